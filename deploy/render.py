#!/usr/bin/env python3
"""Fill deploy/nginx.conf.template (or another template) with a deployment's values.

Why a renderer and not envsubst: nginx's own variables are written `$name` too, so only the
`${NAME}` places this script is given are replaced, and a place left without a value stops
it (a half-filled configuration would start an nginx that balances nothing).

    python3 deploy/render.py --listen 0.0.0.0:80 --upstream 127.0.0.1:8001 \\
        --upstream 127.0.0.1:8002 --releases /srv/kuntadigi/releases \\
        --state /var/lib/kuntadigi-nginx --out /var/lib/kuntadigi-nginx/nginx.conf

The release version in the cache keys is read from releases/latest/release.json unless
--release names one. Run it again after every release switch, then `nginx -s reload`
(docs/deploy.md). Standard library only: it runs on the balancer's host without the app.
"""
from __future__ import annotations

import argparse
import getpass
import grp
import os
import json
import re
import sys
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
_PLACE = re.compile(r"\$\{([A-Z_]+)\}")
_VERSION = re.compile(r"[A-Za-z0-9._-]{1,64}")


def release_version(releases: Path) -> str:
    """The version of the release `latest` points to."""
    info = json.loads((releases / "latest" / "release.json").read_text(encoding="utf-8"))
    return str(info["version"])


def upstream_lines(servers: list[str]) -> str:
    """One `server` line per replica: after a failure it is skipped for 5 s."""
    return "\n        ".join(f"server {server} max_fails=1 fail_timeout=5s;"
                               for server in servers)


def render(template: str, values: dict[str, str]) -> str:
    """The template with every ${NAME} replaced; ValueError names the places left open."""
    missing = sorted({name for name in _PLACE.findall(template) if name not in values})
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    return _PLACE.sub(lambda match: values[match.group(1)], template)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", type=Path, default=TEMPLATE)
    parser.add_argument("--listen", required=True, help="address:port nginx listens on")
    parser.add_argument("--upstream", action="append", required=True,
                        help="host:port of an app replica (repeat for each)")
    parser.add_argument("--releases", type=Path, required=True, help="the releases folder")
    parser.add_argument("--release", help="the version served (default: latest's)")
    parser.add_argument("--state", type=Path, required=True,
                        help="folder of nginx's pid, logs, temporary files and cache")
    parser.add_argument("--user", default=None,
                        help="user and group of nginx's workers when it starts as root "
                             "(default: the user running this, and its group)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        version = args.release or release_version(args.releases)
    except (OSError, ValueError, KeyError) as error:
        print(f"error: cannot read the version of {args.releases}/latest: {error}",
              file=sys.stderr)
        return 2
    if not _VERSION.fullmatch(version):
        print(f"error: {version!r} is not a release version", file=sys.stderr)
        return 2
    values = {"LISTEN": args.listen, "UPSTREAMS": upstream_lines(args.upstream),
              "RELEASES": str(args.releases.resolve()), "RELEASE": version,
              "STATE": str(args.state.resolve()),
              "USER": args.user or f"{getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name}"}
    try:
        text = render(args.template.read_text(encoding="utf-8"), values)
    except (OSError, ValueError) as error:
        print(f"error: {args.template}: {error}", file=sys.stderr)
        return 2
    args.state.mkdir(parents=True, exist_ok=True)
    temporary = args.out.with_name(args.out.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
