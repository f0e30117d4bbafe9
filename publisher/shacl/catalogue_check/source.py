"""The catalogue read as a harvester reads it: a file, or a URL fetched within the check's
bounds (our own URLs from the release's files). Its syntax comes from the format asked, the
media type served, the name, else the content; its bytes are parsed by the bounded reader
stewards' uploads go through (`publisher.shacl.inputs`: size, triples, nesting, entities,
gzip), with relative IRIs resolved against where it came from."""
from __future__ import annotations

from pathlib import Path

from publisher.shacl.catalogue_check.fetching import SCHEMES, scheme_of
from publisher.shacl.catalogue_check.texts import reason_text
from publisher.shacl.catalogue_check.urls import UrlChecker
from publisher.shacl.compression import without_gzip_suffix
from publisher.shacl.errors import InputTooLarge, UnreadableInput
from publisher.shacl.inputs import (INPUT_FORMATS, InputFormat, ParsedInput, ReadLimits,
                                    format_for_media_type, input_format, parse_bytes,
                                    sniff_data)

#: media types that say nothing of the syntax
_GENERIC = {"text/plain", "application/octet-stream", "application/gzip",
            "application/x-gzip", "binary/octet-stream"}


def is_url(source: str) -> bool:
    return scheme_of(source) in SCHEMES and "://" in source


def read_catalogue(source: str, checker: UrlChecker, limits: ReadLimits,
                   explicit_format: str | None = None) -> ParsedInput:
    """The catalogue at `source` (a URL or a path), parsed; UnreadableInput when it cannot be
    read, is not RDF, or passes a bound."""
    if is_url(source):
        return _from_url(source, checker, limits, explicit_format)
    if "://" in source:
        raise UnreadableInput(f"{source}: give an http(s) URL or the path of a file")
    path = Path(source)
    if not path.is_file():
        raise UnreadableInput(f"{path}: no such file" if not path.exists() else
                              f"{path}: not a file")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise InputTooLarge(f"{path}: {size:,} bytes, more than the {limits.max_bytes:,} a "
                            f"catalogue may have ({limits.bytes_setting})")
    data = path.read_bytes()
    fmt = _format(explicit_format, None, path.name, data)
    return parse_bytes(data, str(path), fmt, limits, base_iri=path.resolve().as_uri())


def _from_url(url: str, checker: UrlChecker, limits: ReadLimits,
              explicit_format: str | None) -> ParsedInput:
    how, fetched = checker.fetch_document(url, limits.max_bytes, limits.bytes_setting)
    if how == "none" or fetched.problem:
        reason = reason_text("en", fetched.problem or "", fetched.params)
        kind = InputTooLarge if fetched.problem in {"too_large", "too_large_announced"} \
            else UnreadableInput
        raise kind(f"{url}: {reason}")
    if fetched.status is None or not 200 <= fetched.status < 300:
        raise UnreadableInput(f"{url}: answers HTTP {fetched.status}")
    data = fetched.body or b""
    name = (fetched.final_url or url).split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    fmt = _format(explicit_format, fetched.media_type, name, data)
    return parse_bytes(data, url, fmt, limits, base_iri=fetched.final_url or url)


def _format(explicit: str | None, media_type: str | None, name: str,
            data: bytes) -> InputFormat:
    """As asked, else by the media type served, the name's extension, the content; Turtle
    when nothing tells."""
    if explicit:
        return input_format(explicit)
    if media_type and media_type not in _GENERIC:
        by_type = format_for_media_type(media_type)
        if by_type is not None:
            return by_type
    suffix = Path(without_gzip_suffix(name)).suffix.lower()
    by_name = next((f for f in INPUT_FORMATS.values() if suffix and suffix in f.suffixes), None)
    if by_name is not None:
        return by_name
    looks = sniff_data(data)
    return INPUT_FORMATS[looks] if looks in INPUT_FORMATS else INPUT_FORMATS["turtle"]
