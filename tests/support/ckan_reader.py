"""Reads DCAT catalogues as CKAN's DCAT extension (ckanext-dcat) harvests them: its
`RDFParser` with one of its DCAT-AP profiles, printing the CKAN dataset dicts as JSON.

Run as a child process (tests/web/test_harvest.py): importing the parser imports CKAN itself
(ckantoolkit → ckan.plugins, ckan.model, ckan.logic), whose globals stay out of the test run.
Input on stdin: a JSON list of {"profile": "euro_dcat_ap_3", "turtle": "…"}; output: a JSON
list of {"profile": …, "datasets": [CKAN dataset dicts]}.
"""
from __future__ import annotations

import json
import sys

from ckanext.dcat.processors import RDFParser


def read(profile: str, turtle: str) -> list[dict]:
    parser = RDFParser(profiles=[profile])
    parser.parse(turtle, _format="turtle")
    return list(parser.datasets())


def main() -> None:
    requests = json.load(sys.stdin)
    json.dump([{"profile": r["profile"], "datasets": read(r["profile"], r["turtle"])}
               for r in requests], sys.stdout, ensure_ascii=False, default=str)


if __name__ == "__main__":
    main()
