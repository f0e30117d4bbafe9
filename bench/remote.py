#!/usr/bin/env python3
"""The remote store's cost: our /sparql in front of an Oxigraph server against that server.

    python bench/remote.py [RELEASE_DIR] [--quick] [--json FILE]

One run, one release: ``oxigraph serve`` loaded by ``publisher load --store``, our app
(``publisher serve --workers N --store URL``) in front of it, and the query mix of
``bench/server.py`` sent to both, rounds interleaved. Cold requests (a unique comment each,
so no cache answers) measure the whole path — our checks, the keep-alive connection to the
store, the store's evaluation, our re-reading of the answer. Bar, per query: our cold median
<= max(1.5 x the store's own median for the same query, the store's + 0.5 ms). Beside them,
cold too, the least a Python front can do in our worker set-up: gunicorn's gevent worker
passing each request on to the store over a kept-alive connection and its answer back
(``forwarding_app`` in bench/server.py), measured against the same bar.
"""
from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent


def _server_bench():
    """bench/server.py, whose servers, clients and query mix this run shares."""
    spec = importlib.util.spec_from_file_location("bench_server", BENCH / "server.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module          # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def run(release_dir: Path, quick: bool = False) -> dict[str, Any]:
    bench = _server_bench()
    release_dir = Path(release_dir).resolve()
    plan = bench.Plan.of(quick)
    base_uri = bench.release_base_uri(release_dir)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="bench-remote-") as temp, ExitStack() as stack:
        workdir = Path(temp)
        store = bench.start_oxigraph(workdir / "oxigraph-store", read_only=False)
        stack.callback(store.stop)
        store_url = f"http://127.0.0.1:{store.port}"
        bench.publisher_load(store_url, release_dir, base_uri, workdir / "data")
        ours = bench.start_publisher(release_dir, workdir / "data", base_uri, store_url)
        stack.callback(ours.stop)
        project, municipality = bench.sample_iris(ours, base_uri)
        queries = bench.query_mix(base_uri, project, municipality)
        store.dataset = bench.remote_dataset(release_dir, base_uri)
        forwarding = bench.start_forwarding(store)
        stack.callback(forwarding.stop)
        remote = bench.sparql_mix(ours, store, queries, plan, forwarding=forwarding)
    missed = [name for name, entry in remote.items()
              if not bench.within_bar(entry["cold"]["median_ms"],
                                      entry["oxigraph"]["median_ms"])]
    forwarding_missed = [name for name, entry in remote.items()
                         if not bench.within_bar(entry["forwarding"]["median_ms"],
                                                 entry["oxigraph"]["median_ms"])]
    return {"release": release_dir.name, "quick": quick, "seconds": time.time() - started,
            "queries": queries, "remote": remote,
            "bar": {"median_ratio_max": bench.BARS["sparql_median_ratio_max"],
                    "median_extra_ms_max": bench.BARS["sparql_median_extra_ms_max"],
                    "missed": missed, "met": not missed,
                    "forwarding_missed": forwarding_missed,
                    "over_forwarding_ms": {name: entry["cold"]["median_ms"]
                                           - entry["forwarding"]["median_ms"]
                                           for name, entry in remote.items()}}}


def table(results: dict[str, Any]) -> str:
    bench = sys.modules["bench_server"]
    lines = bench.sparql_lines("/sparql on the remote store (our app in front of oxigraph "
                                "serve)  vs  that oxigraph serve", results["remote"])
    bar = results["bar"]
    lines += ["", f"bar: cold median <= max({bar['median_ratio_max']}x, "
                  f"+{bar['median_extra_ms_max']} ms) of the store's per query: "
                  + ("met" if bar["met"] else "NOT met for " + ", ".join(bar["missed"])),
              "the forwarding server alone, against the same bar: "
              + ("met" if not bar["forwarding_missed"]
                 else "NOT met for " + ", ".join(bar["forwarding_missed"])),
              "ours cold minus forwarding, ms: " + ", ".join(
                  f"{name} {extra:+.2f}" for name, extra in bar["over_forwarding_ms"].items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    return _server_bench().release_bench(__doc__.split("\n\n")[0], run, table, argv)


if __name__ == "__main__":
    sys.exit(main())
