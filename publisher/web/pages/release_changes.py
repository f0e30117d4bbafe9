"""What changed in the release served (its `changes.json`): the home page's "what changed in
this release", with links to the composed patch and the event stream."""
from __future__ import annotations

import json
from typing import Any

from publisher.docs.labels import Index, collation_key
from publisher.patch import SUMMARY_FILE
from publisher.web.context import here, publisher
from publisher.web.pages.parts import labeller

#: A summary larger than this is not read for the home page (its counts are in the report).
MAX_SUMMARY_BYTES = 64 << 20


def _summary() -> dict[str, Any] | None:
    folder = publisher().release_dir()
    path = folder / SUMMARY_FILE if folder is not None else None
    try:
        if path is None or path.stat().st_size > MAX_SUMMARY_BYTES:
            return None
        summary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return summary if isinstance(summary, dict) else None


def release_changes() -> dict[str, Any] | None:
    """Counts of resources added, removed and changed, by type, in the page's language;
    None for a release without a changeset (the first of a chain)."""
    folder = publisher().release_dir()
    if folder is None:
        return None
    summary = publisher().cached("release-changes", folder.name, _summary)
    if summary is None:
        return None
    names = labeller(Index([]))
    kinds = []
    for kind in ("added", "changed", "removed"):
        counts = (summary.get("counts") or {}).get(kind) or {}
        types = [{"label": names.term_label(t), "count": n} for t, n in counts.items()
                 if t != "total" and isinstance(n, int)]
        types.sort(key=lambda t: (-t["count"], collation_key(t["label"]["value"])))
        kinds.append({"kind": kind, "total": counts.get("total", 0), "types": types})
    since = summary.get("since")
    return {"since": since, "kinds": kinds,
            "patch": here().page(f"changes?since={since}") if since else None,
            "stream": here().page("ldes")}
