"""Gzip input (our own dumps are `.nt.gz`) decompressed within the byte limit of the data it
holds: a few kilobytes can expand to gigabytes (100 MB of zeros compress to 100 kB, and a
gzip inside a gzip multiplies that again), so output is produced in bounded steps and the
input is refused as soon as it passes `max_bytes`, never decompressing more than that plus
one byte. Concatenated gzip members are read as one stream, as `gunzip` does; a gzip inside
the decompressed data is decompressed too, within the same limit, up to `MAX_LAYERS` deep."""
from __future__ import annotations

import zlib

from publisher.shacl.errors import InputTooLarge, UnreadableInput

GZIP_MAGIC = b"\x1f\x8b"
GZIP_SUFFIXES = (".gz", ".gzip")
MAX_LAYERS = 3
_STEP = 64 * 1024             # compressed bytes fed at a time


def is_gzip(data: bytes) -> bool:
    return data[:2] == GZIP_MAGIC


def without_gzip_suffix(name: str) -> str:
    """"data.nt.gz" → "data.nt": the name that says the syntax inside."""
    lowered = name.lower()
    for suffix in GZIP_SUFFIXES:
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return name[:-len(suffix)]
    return name


def gunzip(data: bytes, name: str, max_bytes: int, setting: str, where: str = "data") -> bytes:
    """The data inside gzip layers (the data itself when it is not gzip); InputTooLarge (naming
    `setting`) as soon as a layer passes `max_bytes`, UnreadableInput when it is not valid."""
    layers = 0
    while is_gzip(data):
        layers += 1
        if layers > MAX_LAYERS:
            raise UnreadableInput(f"{name}: gzip nested more than {MAX_LAYERS} deep; give the "
                                  "data compressed once", where=where, code="gzip_nested",
                                  params={"name": name, "layers": MAX_LAYERS})
        data = _one_layer(data, name, max_bytes, setting, where)
    return data


def head(data: bytes, size: int = 512) -> bytes:
    """The first `size` bytes inside a gzip (for telling the syntax), or of the data; b"" when
    the gzip cannot be read (the full read says why)."""
    if not is_gzip(data):
        return data[:size]
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:_STEP], size)
    except zlib.error:
        return b""


def _one_layer(data: bytes, name: str, max_bytes: int, setting: str, where: str) -> bytes:
    """One gzip layer, member after member, with never more than `max_bytes` + 1 bytes out."""
    out = bytearray()
    rest = data
    try:
        while rest:
            decoder, position, pending = zlib.decompressobj(16 + zlib.MAX_WBITS), 0, b""
            while not decoder.eof:
                if not pending and position < len(rest):
                    pending, position = rest[position:position + _STEP], position + _STEP
                before = len(out)
                out += decoder.decompress(pending, max_bytes - len(out) + 1)
                pending = decoder.unconsumed_tail
                if len(out) > max_bytes:
                    raise _too_large(name, max_bytes, setting, where)
                if not pending and position >= len(rest) and not decoder.eof and len(out) == before:
                    raise _invalid(name, where, "the gzip stream is cut short")
            rest = decoder.unused_data + rest[position:]
            if not rest.strip(b"\x00"):
                break                                  # padding after the last member
            if not is_gzip(rest):
                raise _invalid(name, where, "data after the end of the gzip stream")
    except zlib.error as error:
        raise _invalid(name, where, str(error)) from None
    return bytes(out)


def _too_large(name: str, max_bytes: int, setting: str, where: str) -> InputTooLarge:
    return InputTooLarge(
        f"{name}: decompresses to more than {max_bytes:,} bytes, the most one input may hold "
        f"({setting}); decompression stopped there. Validate a smaller part.", where=where,
        code="gunzip_too_large", params={"name": name, "limit": f"{max_bytes:,}",
                                         "setting": setting})


def _invalid(name: str, where: str, detail: str) -> UnreadableInput:
    return UnreadableInput(f"{name}: not a valid gzip file ({detail})", where=where,
                           code="gzip_invalid", params={"name": name, "detail": detail})
