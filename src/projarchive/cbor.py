"""A minimal CBOR (RFC 8949) reader and writer for Pagefind's index files.

Only what Pagefind writes: unsigned and negative integers, byte and text strings,
arrays, maps, booleans, null and floats. Writing uses the shortest encoding of each
head, as Pagefind (serde_cbor) does, so an unchanged value round-trips byte for byte.
"""

from __future__ import annotations

import struct
from typing import Any


def loads(data: bytes) -> Any:
    value, end = _read(data, 0)
    if end != len(data):
        raise ValueError(f"{len(data) - end} bytes after the CBOR value")
    return value


def _head(data: bytes, pos: int) -> tuple[int, int, int]:
    first = data[pos]
    major, info = first >> 5, first & 0x1F
    pos += 1
    if info < 24:
        return major, info, pos
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None:
        raise ValueError(f"unsupported CBOR item 0x{first:02x} at byte {pos - 1}")
    return major, int.from_bytes(data[pos:pos + size], "big"), pos + size


def _read(data: bytes, pos: int) -> tuple[Any, int]:
    first = data[pos]
    if first >> 5 == 7:
        info = first & 0x1F
        if info == 20:
            return False, pos + 1
        if info == 21:
            return True, pos + 1
        if info == 22:
            return None, pos + 1
        if info == 25:
            return _Float(data[pos:pos + 3]), pos + 3
        if info == 26:
            return _Float(data[pos:pos + 5]), pos + 5
        if info == 27:
            return _Float(data[pos:pos + 9]), pos + 9
        raise ValueError(f"unsupported CBOR simple value 0x{first:02x}")
    major, arg, pos = _head(data, pos)
    if major == 0:
        return arg, pos
    if major == 1:
        return -1 - arg, pos
    if major == 2:
        return bytes(data[pos:pos + arg]), pos + arg
    if major == 3:
        return data[pos:pos + arg].decode("utf-8"), pos + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, pos = _read(data, pos)
            items.append(item)
        return items, pos
    if major == 5:
        pairs = []
        for _ in range(arg):
            key, pos = _read(data, pos)
            value, pos = _read(data, pos)
            pairs.append((key, value))
        return _Map(pairs), pos
    raise ValueError(f"unsupported CBOR major type {major}")


class _Float(bytes):
    """A float kept as its exact encoded bytes (never re-encoded differently)."""


class _Map(list):
    """A map as its (key, value) pairs, in the order they were written."""


def _write_head(out: bytearray, major: int, arg: int) -> None:
    if arg < 24:
        out.append(major << 5 | arg)
    elif arg < 1 << 8:
        out += bytes([major << 5 | 24]) + arg.to_bytes(1, "big")
    elif arg < 1 << 16:
        out += bytes([major << 5 | 25]) + arg.to_bytes(2, "big")
    elif arg < 1 << 32:
        out += bytes([major << 5 | 26]) + arg.to_bytes(4, "big")
    else:
        out += bytes([major << 5 | 27]) + arg.to_bytes(8, "big")


def _write(out: bytearray, value: Any) -> None:
    if value is False:
        out.append(0xF4)
    elif value is True:
        out.append(0xF5)
    elif value is None:
        out.append(0xF6)
    elif isinstance(value, _Float):
        out += value
    elif isinstance(value, float):
        out += b"\xfb" + struct.pack(">d", value)
    elif isinstance(value, int):
        _write_head(out, 0, value) if value >= 0 else _write_head(out, 1, -1 - value)
    elif isinstance(value, bytes):
        _write_head(out, 2, len(value))
        out += value
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        _write_head(out, 3, len(raw))
        out += raw
    elif isinstance(value, _Map):
        _write_head(out, 5, len(value))
        for k, v in value:
            _write(out, k)
            _write(out, v)
    elif isinstance(value, (list, tuple)):
        _write_head(out, 4, len(value))
        for item in value:
            _write(out, item)
    else:
        raise TypeError(f"cannot write {type(value).__name__} as CBOR")


def dumps(value: Any) -> bytes:
    out = bytearray()
    _write(out, value)
    return bytes(out)
