#!/usr/bin/env python3
"""The floor of a build: what pyoxigraph alone needs to read its output and write the dumps.

    python bench/floor.py RELEASE_DIR [--json]

Reads the release's own ``data.nt.gz`` into memory (decompression is not timed), then times
pyoxigraph parsing those N-Triples and writing the five dump formats the build writes
(TriG, Turtle, RDF/XML, JSON-LD and gzip-compressed N-Triples at the build's gzip level).
No build can publish faster than this, so ``bench/run.py`` reports a build's wall time as a
multiple of it.
"""
from __future__ import annotations

import argparse
import gc
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publisher.release.dumps import GZIP_LEVEL  # noqa: E402

FORMATS = (("data.trig", RdfFormat.TRIG), ("data.ttl", RdfFormat.TURTLE),
           ("data.rdf", RdfFormat.RDF_XML), ("data.jsonld", RdfFormat.JSON_LD))


def floor_seconds(release_dir: Path) -> dict[str, float]:
    """Seconds to parse the N-Triples dump and write every format, and the triple count.

    The parse validates every term, as a build's does; Python's cycle collector is off, so
    the floor is pyoxigraph's own cost, not Python's rescanning of the growing list."""
    data = gzip.decompress((release_dir / "data.nt.gz").read_bytes())
    gc.disable()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        started = time.perf_counter()
        triples = list(parse(data, format=RdfFormat.N_TRIPLES))
        parsed = time.perf_counter()
        for name, fmt in FORMATS:
            serialize(triples, str(out / name), fmt)
        ntriples = serialize(triples, format=RdfFormat.N_TRIPLES)
        (out / "data.nt.gz").write_bytes(gzip.compress(ntriples, compresslevel=GZIP_LEVEL,
                                                       mtime=0))
        finished = time.perf_counter()
    return {"seconds": finished - started, "parse_seconds": parsed - started,
            "write_seconds": finished - parsed, "triples": len(triples)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", type=Path)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = floor_seconds(args.release)
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"floor {figures['seconds']:.2f} s for {figures['triples']} triples "
              f"(parse {figures['parse_seconds']:.2f} s, write {figures['write_seconds']:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
