"""The `publisher` command: extract, build, validate, check-catalogue, load, serve.

Exit statuses: 0 success, 1 the data failed a check (SHACL violations), 2 unreadable input
or bad usage.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from publisher import __version__
from publisher.config import Settings, load_settings, use_store
from publisher.progress import Progress


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(Path(args.config) if args.config else None)


def cmd_extract(args: argparse.Namespace) -> int:
    """Print JSON Lines records (or the line report) for one source text."""
    from publisher.build.extract import SourceError
    from publisher.build.sources import extract_path

    settings = _settings(args)
    try:
        extraction = extract_path(Path(args.path), settings, extractor=args.extractor)
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    out = sys.stdout
    if args.report:
        if args.format == "json":
            json.dump(extraction.report(), out, ensure_ascii=False, indent=2)
            out.write("\n")
        else:
            out.write(extraction.report_text())
        return 0
    for record in extraction.records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    for problem in extraction.problems:
        if not args.quiet:
            print(f"{problem.severity}: {problem}", file=sys.stderr)
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Run the whole pipeline and publish a release if the guards and the SHACL gate pass.

    Exit 1: a failed check (SHACL, DCAT-AP, a release guard), nothing published; exit 2: an
    unreadable source, an operating-system error (full disk, a folder as a source …) or
    another build running. Failures print to stderr even with --quiet."""
    from publisher.release.lock import BuildRunning
    from publisher.build.extract import SourceError
    from publisher.release.errors import CatalogInvalid
    from publisher.release.publish import (BuildFailed, ReleaseIOError, ReleaseRefused,
                                   build_release)

    settings = _settings(args)
    progress = Progress(quiet=args.quiet)
    try:
        result = build_release(settings, progress=progress, allow_shrink=args.allow_shrink,
                               notice=lambda line: print(line, file=sys.stderr, flush=True))
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (BuildRunning, ReleaseIOError) as error:
        print(error.explain(), file=sys.stderr)
        return 2
    except (BuildFailed, CatalogInvalid, ReleaseRefused) as failure:
        print(failure.explain(), file=sys.stderr)
        return 1
    _print_key_messages(result.path / "build-report.json")
    print(result.path)
    return 0


def _print_key_messages(report_path: Path) -> None:
    """The key registry's decisions of the build just published, on stderr."""
    from publisher.build.report import key_messages

    report = json.loads(report_path.read_text(encoding="utf-8"))
    for line in key_messages(report.get("merges", {}).get("keys", {})):
        print(line, file=sys.stderr)


def cmd_keys(args: argparse.Namespace) -> int:
    """`keys update`: build (without publishing) and append the keys the registry does not
    hold to mappings/keys.tsv; `keys move TYPE OLD NEW`: a deliberate rename, the old URI
    answering 301. The only commands that write the registry."""
    from publisher.build.extract import SourceError
    from publisher.build.key_registry import KEYS_FILE, move_key, register
    from publisher.build.pipeline import run_pipeline
    from publisher.build.report import key_messages

    settings = _settings(args)
    path = settings.mappings_dir / KEYS_FILE
    if args.action == "move":
        if len(args.names) != 3:
            print("error: keys move TYPE OLD NEW", file=sys.stderr)
            return 2
        try:
            move_key(path, *args.names)
        except (SourceError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        kind, old, new = args.names
        print(f"{kind} key {old} moved to {new} in {path.name}")
        return 0
    try:
        result = run_pipeline(settings, Progress(quiet=args.quiet))
    except SourceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        keys = result.merges.get("keys", {})
        for line in key_messages({"kept": keys.get("kept", [])}):
            print(line, file=sys.stderr)
        added = register(path, keys.get("new", []))
    except (SourceError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    finally:
        result.close()
    print(f"{added} new key(s) added to {path.name}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """Validate RDF files against profiles and/or a steward's own shapes.

    Exit 0 when no result is a violation (warnings and infos never count), 1 with violations,
    2 when an input or a shapes file cannot be used."""
    from publisher.shacl import ReadLimits, UnreadableInput, profiles_text, validate_files

    settings = _settings(args)
    if args.list_profiles:
        sys.stdout.write(profiles_text(settings, args.lang))
        return 0
    if not args.files:
        print("error: name at least one file to validate (or --list-profiles)", file=sys.stderr)
        return 2
    try:
        outcome = validate_files([Path(p) for p in args.files], settings,
                                 profiles=args.profile, input_format=args.input_format,
                                 lang=args.lang, shapes_files=[Path(p) for p in args.shapes],
                                 shapes_format=args.shapes_format,
                                 limits=ReadLimits(args.max_bytes, args.max_triples,
                                                   settings.limits.parse_max_depth))
    except UnreadableInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(outcome.render(args.format, lang=args.lang))
    return 0 if outcome.conforms else 1


def cmd_check_catalogue(args: argparse.Namespace) -> int:
    """Check a DCAT catalogue as a harvester would: every access and download URL against
    what it declares, the DCAT-AP profiles, the MQA score.

    Exit 0 when nothing is a violation, 1 with violations (a URL fault or a SHACL violation),
    2 when the catalogue cannot be read or checked."""
    from publisher.shacl import UnreadableInput
    from publisher.shacl.catalogue_check import (Access, CheckOptions, OwnSite,
                                                 check_catalogue, render)

    settings = _settings(args)
    if args.server and not args.server.lower().startswith(("http://", "https://")):
        print(f"error: --server {args.server}: give the http(s) URL of a running server",
              file=sys.stderr)
        return 2
    release = Path(args.release) if args.release else settings.releases_dir / "latest"
    access = Access(network=args.allow_network, server=args.server,
                    own=OwnSite(settings.base_uri, release if release.is_dir() else None))
    options = CheckOptions(access, tuple(args.profile), args.lang, args.input_format,
                           quality=not args.no_mqa)
    try:
        report = check_catalogue(args.source, settings, options)
    except UnreadableInput as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(render(report.as_json(args.lang), args.format, args.lang))
    return report.status


def cmd_load(args: argparse.Namespace) -> int:
    """Load a release into a store (the embedded one or a remote SPARQL store): a remote
    store at the URLs of its preset or the [store] table, with the credentials of
    PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD."""
    from publisher.progress import Progress
    from publisher.store import RemoteStore, StoreError, open_store
    from publisher.store.endpoints import shown

    settings = _settings(args)
    if args.store:
        settings = use_store(settings, args.store)
    release = Path(args.release) if args.release else settings.releases_dir / "latest"
    target = shown(settings.store_url, quoted=False)
    try:
        store = open_store(settings.store_url, settings)
        try:
            if isinstance(store, RemoteStore):      # graph by graph, then the switch
                progress = Progress(quiet=args.quiet)
                count = store.load_release(release, lambda done, total: progress.count(
                    "graphs written", done, total))
            else:
                count = store.load_release(release)
        finally:
            store.close()
    except (StoreError, ValueError) as error:
        print(f"error: cannot load {release} into {target}: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"loaded {count} quads from {release} into {target}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the linked-data web app."""
    from publisher.web.serve import serve

    return serve(_settings(args), host=args.host, port=args.port, release=args.release,
                 store_url=args.store, workers=args.workers, dev=args.dev, quiet=args.quiet)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="publisher", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", help="path of publisher.toml (default: the project's)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                        help="no progress on stderr")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("extract", parents=[common], help="extract records from a source text as JSON Lines")
    p.add_argument("path")
    p.add_argument("--report", action="store_true",
                   help="account for every non-empty line instead of printing records")
    p.add_argument("--format", choices=["text", "json"], default="text",
                   help="format of --report")
    p.add_argument("--extractor", help="extractor name (default: from the source registry)")
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("build", parents=[common], help="build and publish a release",
                       description="Build a release into releases/<version> and point "
                                   "releases/latest at it. Exit 0 published; 1 a failed check "
                                   "(SHACL, a release guard), nothing published; 2 unreadable "
                                   "input, a disk or file error, or another build running.")
    p.add_argument("--allow-shrink", action="store_true",
                   help="publish even if a source yields no records or the project count "
                        "falls by more than limits.max_shrink_percent (default 20) percent "
                        "against the release releases/latest points at")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("keys", parents=[common], help="the registry of issued keys",
                       description="update: append the keys of records the registry "
                                   "(mappings/keys.tsv) does not hold yet; move TYPE OLD NEW: "
                                   "rename a key on purpose (the old URI answers 301).")
    p.add_argument("action", choices=["update", "move"])
    p.add_argument("names", nargs="*", help="for move: TYPE OLD NEW")
    p.set_defaults(func=cmd_keys)

    p = sub.add_parser("validate", parents=[common],
                       help="validate RDF files against the profiles or your own shapes")
    p.add_argument("files", nargs="*", help="RDF files, gzip-compressed or not (their union is "
                                            "validated)")
    p.add_argument("--profile", action="append", default=[],
                   help="validation profile (repeatable; default: kuntadigi unless --shapes)")
    p.add_argument("--shapes", action="append", default=[], metavar="FILE",
                   help="your own SHACL shapes file (repeatable)")
    p.add_argument("--list-profiles", action="store_true",
                   help="name and describe the validation profiles")
    p.add_argument("--format", choices=["text", "html", "json", "turtle", "json-ld"],
                   default="text", help="report format")
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="en",
                   help="language of the report and its messages")
    p.add_argument("--input-format", help="RDF syntax of the files (default: by extension): "
                                          "turtle, ntriples, rdfxml, jsonld, trig, nquads")
    p.add_argument("--shapes-format", help="RDF syntax of the --shapes files "
                                           "(default: by extension)")
    p.add_argument("--max-bytes", type=int, default=128 * 1024 * 1024,
                   help="refuse a file larger than this, counted after decompressing a "
                        ".gz (default 128 MiB)")
    p.add_argument("--max-triples", type=int, default=500_000,
                   help="refuse input of more triples than this (default 500 000)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("check-catalogue", parents=[common],
                       help="check a DCAT catalogue as a harvester would",
                       description="Read a DCAT catalogue (ours or a partner's) as a harvester "
                                   "does, follow every access and download URL (status, media "
                                   "type, size, checksum against what it declares), validate "
                                   "it with the DCAT-AP 3.0.1 and 2.1.1 shapes and compute its "
                                   "MQA score. Exit 0 no violation; 1 violations; 2 the "
                                   "catalogue cannot be read or checked.")
    p.add_argument("source", metavar="URL|FILE", help="the catalogue: an http(s) URL or a file "
                                                      "(Turtle, RDF/XML, JSON-LD, N-Triples)")
    p.add_argument("--allow-network", action="store_true",
                   help="ask URLs on other hosts too (default: only loopback and this "
                        "service's own URLs; others are reported as not checked)")
    p.add_argument("--server", metavar="URL",
                   help="check this service's own URLs against this running server (default: "
                        "against the release's files)")
    p.add_argument("--release", help="release folder our URLs are checked against "
                                     "(default: releases/latest)")
    p.add_argument("--profile", action="append", default=[],
                   help="DCAT-AP profile to validate with (repeatable; default: dcat-ap-3 and "
                        "dcat-ap-2.1.1)")
    p.add_argument("--format", choices=["text", "html", "json"], default="text",
                   help="report format")
    p.add_argument("--lang", choices=["fi", "sv", "en"], default="en",
                   help="language of the report")
    p.add_argument("--input-format", help="RDF syntax of the catalogue (default: by media "
                                          "type, extension or content)")
    p.add_argument("--no-mqa", action="store_true", help="leave out the MQA score")
    p.set_defaults(func=cmd_check_catalogue)

    store_help = ("'embedded', or a SPARQL store: oxigraph+http://HOST:PORT (or a plain "
                  "http(s) URL), fuseki+http://HOST:PORT/DATASET, virtuoso+http://HOST:PORT "
                  "(default: publisher.toml's [store]; credentials only from "
                  "PUBLISHER_STORE_USER and PUBLISHER_STORE_PASSWORD)")
    p = sub.add_parser("load", parents=[common], help="load a release into a store")
    p.add_argument("--store", help=store_help)
    p.add_argument("--release", help="release folder (default: releases/latest)")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("serve", parents=[common], help="serve SPARQL, URIs, HTML pages and dumps")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--release", help="release folder (default: releases/latest)")
    p.add_argument("--store", help=store_help)
    p.add_argument("--workers", type=int, default=None,
                   help="gunicorn workers (default: one per CPU; 0: the development server)")
    p.add_argument("--dev", action="store_true",
                   help="Werkzeug's development server instead of gunicorn")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (`publisher extract … | head`): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141


if __name__ == "__main__":
    sys.exit(main())
