"""DUMP payloads built by hand: a value body, the RDB version and Redis's CRC-64 footer."""


def crc64(data: bytes) -> int:
    """Redis's CRC-64 (Jones polynomial 0xad93d23594c935a9, reflected), bit by bit: payloads in
    tests are tiny."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x95AC9329AC4BC9B5 if crc & 1 else 0)
    return crc


def payload(body: bytes, version=10) -> bytes:
    data = body + version.to_bytes(2, "little")
    return data + crc64(data).to_bytes(8, "little")
