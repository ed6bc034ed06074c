"""A raw RESP2/RESP3 connection for tests that must see the wire format redis-py hides.

read_frame() returns the exact bytes of one reply (so tests can compare type prefixes such as `_`, `%` and `,`);
decode() turns a frame into plain Python values for checking its contents.
"""
import socket
import time


class RespError(Exception):
    """An error reply (`-...` or `!...`); str() is the text without the prefix."""


def encode_command(*args) -> bytes:
    """The RESP multibulk request for args (str, bytes or int)."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        if isinstance(arg, str):
            arg = arg.encode()
        elif isinstance(arg, int):
            arg = str(arg).encode()
        parts.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(parts)


def _line_end(buf: bytes, pos: int) -> int:
    """Index of the \\r\\n ending the line at pos; raises IndexError while incomplete."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        raise IndexError("incomplete line")
    return end


def _frame_end(buf: bytes, pos: int) -> int:
    """Index just past the complete reply starting at pos; raises IndexError while incomplete."""
    if pos >= len(buf):
        raise IndexError("no reply yet")
    kind = buf[pos:pos + 1]
    end = _line_end(buf, pos)
    header = buf[pos + 1:end]
    if kind in (b"+", b"-", b":", b"_", b",", b"#", b"("):
        return end + 2
    if kind in (b"$", b"!", b"="):
        length = int(header)
        if length < 0:
            return end + 2
        if len(buf) < end + 2 + length + 2:
            raise IndexError("incomplete bulk")
        return end + 2 + length + 2
    if kind in (b"*", b"~", b">", b"%", b"|"):
        count = int(header)
        if count < 0:
            return end + 2
        items = count * 2 if kind in (b"%", b"|") else count
        pos = end + 2
        for _ in range(items):
            pos = _frame_end(buf, pos)
        return pos
    raise ValueError(f"not a RESP reply: {buf[pos:pos + 40]!r}")


def _decode_at(frame: bytes, pos: int):
    """(value, next position) for the reply at pos of a complete frame."""
    kind = frame[pos:pos + 1]
    end = frame.index(b"\r\n", pos)
    header = frame[pos + 1:end]
    if kind == b"+":
        return header, end + 2
    if kind == b"-":
        return RespError(header.decode(errors="replace")), end + 2
    if kind in (b":", b"("):
        return int(header), end + 2
    if kind == b"_":
        return None, end + 2
    if kind == b",":
        return float(header), end + 2
    if kind == b"#":
        return header == b"t", end + 2
    if kind in (b"$", b"!", b"="):
        length = int(header)
        if length < 0:
            return None, end + 2
        body = frame[end + 2:end + 2 + length]
        if kind == b"!":
            return RespError(body.decode(errors="replace")), end + 4 + length
        return body, end + 4 + length
    count = int(header)
    if count < 0:
        return None, end + 2
    pos = end + 2
    if kind in (b"%", b"|"):
        result = {}
        for _ in range(count):
            key, pos = _decode_at(frame, pos)
            result[key], pos = _decode_at(frame, pos)
        return result, pos
    items = []
    for _ in range(count):
        item, pos = _decode_at(frame, pos)
        items.append(item)
    return items, pos


def decode(frame: bytes):
    """Plain Python for one complete frame: bytes, int, float, bool, None, list (arrays, sets, pushes), dict
    (maps, attributes) or a RespError instance (returned, not raised)."""
    value, _ = _decode_at(frame, 0)
    return value


class RawConnection:
    """One TCP connection to 127.0.0.1:port. Every read is bounded by timeout seconds."""

    def __init__(self, port: int, timeout: float = 5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data: bytes):
        self.sock.sendall(data)

    def send_command(self, *args):
        self.send(encode_command(*args))

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buf += chunk

    def read_frame(self) -> bytes:
        """The raw bytes of the next complete reply; raises ConnectionError if the server closes first."""
        while True:
            try:
                end = _frame_end(self.buf, 0)
            except IndexError:
                self._fill()
                continue
            frame, self.buf = self.buf[:end], self.buf[end:]
            return frame

    def read_bytes(self, count: int) -> bytes:
        """Exactly the next count bytes, however the replies in them are framed."""
        while len(self.buf) < count:
            self._fill()
        data, self.buf = self.buf[:count], self.buf[count:]
        return data

    def read_reply(self):
        """decode() of the next reply."""
        return decode(self.read_frame())

    def call(self, *args):
        """Sends one command and returns its decoded reply."""
        self.send_command(*args)
        return self.read_reply()

    def read_until_closed(self, timeout: float = 5.0) -> bytes:
        """Everything the server sends until it closes the connection (a reset counts as closed).
        Raises TimeoutError if the connection is still open after timeout seconds."""
        deadline = time.monotonic() + timeout
        data, self.buf = self.buf, b""
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.buf = data  # still open: keep what arrived for later reads
                    raise TimeoutError(f"connection still open; received {data[:200]!r}")
                self.sock.settimeout(remaining)
                try:
                    chunk = self.sock.recv(1 << 16)
                except socket.timeout:
                    continue
                except ConnectionResetError:
                    return data
                if not chunk:
                    return data
                data += chunk
        finally:
            self.sock.settimeout(self.timeout)
