"""A raw RESP2/RESP3 connection for tests that must see the wire format that redis-py hides.

Replies are decoded into plain Python values so tests can compare them directly:
  +simple -> str        -error -> RespError (returned, not raised)   :int / (bignum -> int
  $bulk -> bytes        *array -> list           %map -> dict         ~set -> list (wire order)
  _null / $-1 / *-1 -> None   #bool -> bool      ,double -> float     =verbatim -> bytes (format prefix dropped)
  >push -> Push (a list subclass)                |attribute -> skipped, the value after it is returned
"""
import socket
import time


class RespError(str):
    """An error reply, holding its text without the leading '-'."""


class Push(list):
    """A RESP3 out-of-band push message."""


class RawConnection:
    """One TCP connection to 127.0.0.1:port. Every read is bounded by `timeout` seconds."""

    def __init__(self, port, host="127.0.0.1", timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data: bytes):
        self.sock.sendall(data)

    def send(self, *args):
        """Sends one command as a RESP array of bulk strings."""
        out = [b"*%d\r\n" % len(args)]
        for arg in args:
            if not isinstance(arg, bytes):
                arg = str(arg).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
        self.sock.sendall(b"".join(out))

    def call(self, *args):
        self.send(*args)
        return self.read_reply()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def read_line(self) -> bytes:
        while b"\r\n" not in self.buf:
            self._fill()
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read_exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def read_available(self, wait=0.2) -> bytes:
        """Returns whatever arrives within `wait` seconds (b"" if nothing), including buffered bytes.
        Raises ConnectionError when the server has closed the connection."""
        self.sock.settimeout(wait)
        try:
            self._fill()
        except socket.timeout:
            pass
        finally:
            self.sock.settimeout(self.timeout)
        data, self.buf = self.buf, b""
        return data

    def is_closed_by_peer(self, wait=2.0) -> bool:
        """True when the server closes the connection within `wait` seconds; bytes read meanwhile are dropped."""
        deadline = time.monotonic() + wait
        try:
            while time.monotonic() < deadline:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    if not self.sock.recv(65536):
                        return True
                except socket.timeout:
                    return False
                except ConnectionResetError:
                    return True
            return False
        finally:
            self.sock.settimeout(self.timeout)

    def read_reply(self):
        line = self.read_line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RespError(rest.decode())
        if kind in (b":", b"("):
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.read_exact(n + 2)
            return data[:-2]
        if kind == b"=":
            data = self.read_exact(int(rest) + 2)
            return data[4:-2]  # drop the "txt:" / "mkd:" format prefix
        if kind in (b"*", b"~", b">"):
            n = int(rest)
            if n < 0:
                return None
            items = [self.read_reply() for _ in range(n)]
            return Push(items) if kind == b">" else items
        if kind == b"%":
            n = int(rest)
            result = {}
            for _ in range(n):
                key = self.read_reply()
                result[key] = self.read_reply()
            return result
        if kind == b"|":
            for _ in range(2 * int(rest)):
                self.read_reply()
            return self.read_reply()
        if kind == b"_":
            return None
        if kind == b"#":
            return rest == b"t"
        if kind == b",":
            return float(rest)
        raise ValueError(f"unknown RESP type byte in line {line!r}")
