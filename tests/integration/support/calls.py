"""Small command helpers shared by the data-type suites."""
import pytest
import redis


def call(r, *args):
    """execute_command without redis-py's reply callbacks (raw bytes replies)."""
    conn = r.connection_pool.get_connection(args[0])
    try:
        conn.send_command(*args)
        return conn.read_response()
    finally:
        r.connection_pool.release(conn)


def raises(r, pattern, *args):
    """Asserts that the command fails with an error matching `pattern`."""
    with pytest.raises(redis.ResponseError, match=pattern):
        call(r, *args)


def skip_unless_command(r, *args):
    """Runs the command; skips the test when the server does not know it (owned by another family)."""
    try:
        return r.execute_command(*args)
    except redis.ResponseError as err:
        if str(err).startswith("unknown command"):
            pytest.skip(f"{args[0]} not implemented by this server")
        raise
