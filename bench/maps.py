#!/usr/bin/env python3
"""Maps benchmark: the home page with its map, warm, against references measured in the
same run on the same gunicorn set-up.

    python bench/maps.py [RELEASE_DIR] [--quick] [--json FILE]

Without RELEASE_DIR a release of the bundled texts is built into a temporary folder first.
Measured, with four keep-alive clients (bench/server.py's client and servers):

* the first answer of ``/`` in each language on a fresh server: the store's borders read,
  projected, the choropleth drawn and the page rendered (the cold cost a release pays once
  per process and language);
* requests/s warm for ``/`` (HTML with its SVG map), for ``/doc/project/…`` in Turtle (the
  dereferencing bar's page) and for the same home page bytes served pre-rendered by the same
  gunicorn worker (the floor); printed as ratios, rounds interleaved;
* the bytes of the home page (bar: under 300 kB) and of its SVG.

Bar (issue 16): the home page with its map ≥ 500 requests/s warm, under 300 kB.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(PROJECT))

import server as serving  # noqa: E402  (bench/server.py: servers, client, load)
from publisher.config import load_settings  # noqa: E402
from publisher.release.publish import build_release  # noqa: E402

BARS = {"home_rps_min": 500.0, "home_bytes_max": 300_000}
LANGUAGES = ("fi", "sv", "en")


def progress(text: str) -> None:
    if sys.stderr.isatty():
        print(text, file=sys.stderr, flush=True)


def build_bundled(folder: Path) -> Path:
    """A release of the bundled texts, as `publisher build` writes it."""
    settings = replace(load_settings(environ={}), releases_dir=folder / "releases",
                       data_dir=folder / "build-data")
    return Path(build_release(settings).path)


def _home(lang: str) -> serving.Request:
    return serving.Request(f"/?lang={lang}", (("Accept", "text/html"),))


def run(release_dir: Path | None = None, quick: bool = False) -> dict[str, Any]:
    plan = serving.Plan.of(quick)
    with tempfile.TemporaryDirectory(prefix="bench-maps-") as temp:
        workdir = Path(temp)
        if release_dir is None:
            progress("building a release of the bundled texts …")
            release_dir = build_bundled(workdir)
        release_dir = Path(release_dir).resolve()
        base_uri = serving.release_base_uri(release_dir)
        progress("starting the server …")
        ours = serving.start_publisher(release_dir, workdir / "data", base_uri)
        try:
            client = serving.Client(ours)
            cold = {}
            for lang in LANGUAGES:
                started = time.perf_counter()
                body = serving.checked_get(client, _home(lang))
                cold[lang] = (time.perf_counter() - started) * 1000
            client.close()
            svg = re.search(rb"<svg [^>]*class=\"map\".*?</svg>", body, re.S)
            project = serving.select_one(ours, f"SELECT ?p WHERE {{ ?p a <{base_uri}def/Project> "
                                          "} ORDER BY ?p LIMIT 1", "p")
            doc = serving.Request("/" + project[len(base_uri):].replace("id/", "doc/", 1),
                                  (("Accept", "text/turtle"),))
            body_file = workdir / "home.html"
            body_file.write_bytes(body)
            floor = serving.start_prerendered(body_file, "text/html; charset=utf-8")
            try:
                progress("measuring …")
                rates = serving.compare_throughput({
                    "home": (ours, serving.same(_home("en"))),
                    "doc_turtle": (ours, serving.same(doc)),
                    "prerendered_home": (floor, serving.same(_home("en")))}, plan)
            finally:
                floor.stop()
        finally:
            ours.stop()
    result = {
        "release": release_dir.name, "quick": quick, "machine": serving.machine(),
        "home_bytes": len(body), "svg_bytes": len(svg.group(0)) if svg else 0,
        "cold_first_home_ms": cold, "rps": rates,
        "ratio_home_to_doc_turtle": rates["home"] / rates["doc_turtle"],
        "ratio_home_to_prerendered": rates["home"] / rates["prerendered_home"],
    }
    result["bars"] = {"home_rps": rates["home"] >= BARS["home_rps_min"],
                      "home_bytes": len(body) < BARS["home_bytes_max"]}
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("release", nargs="?", type=Path)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = run(args.release, args.quick)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    rps = result["rps"]
    print(f"home page: {result['home_bytes']:,} bytes (SVG {result['svg_bytes']:,}); "
          f"first answer per language (cold): "
          + ", ".join(f"{k} {v:.0f} ms" for k, v in result["cold_first_home_ms"].items()))
    print(f"requests/s warm: home {rps['home']:.0f}, /doc Turtle {rps['doc_turtle']:.0f}, "
          f"pre-rendered home {rps['prerendered_home']:.0f}")
    print(f"ratios: home/doc-Turtle {result['ratio_home_to_doc_turtle']:.2f}, "
          f"home/pre-rendered {result['ratio_home_to_prerendered']:.2f}")
    met = all(result["bars"].values())
    print(f"bar (≥ {BARS['home_rps_min']:.0f} r/s, < {BARS['home_bytes_max']:,} bytes): "
          f"{'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
