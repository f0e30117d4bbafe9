"""The report as a reader gets it: plain text, or HTML from the templates beside this module.
Both take the JSON form of an outcome (`Outcome.as_json()`), so the web page, the command
line and the JSON answer say the same."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from publisher.shacl.messages import SEVERITIES, report_text

#: The report templates (the web page includes them too).
REPORT_TEMPLATES = Path(__file__).resolve().parent / "templates"


def counts_line(report: dict[str, Any], lang: str) -> str:
    """"Does not conform: Violations 2 · Warnings 1 · Infos 0" in the language asked."""
    head = report_text("conforms" if report["conforms"] else "not_conforms", lang)
    counts = " · ".join(f"{report_text(s + 's', lang)} {report['counts'].get(s, 0)}"
                        for s in SEVERITIES)
    return f"{head}: {counts}"


def report_text_page(report: dict[str, Any], lang: str) -> str:
    """The report as plain text: the counts, then each resource with its findings."""
    lines = [counts_line(report, lang)]
    if report["profiles"]:
        lines.append(f"{report_text('profiles', lang)}: {', '.join(report['profiles'])}")
    if report["inputs"]:
        lines.append(f"{report_text('files', lang)}: " + ", ".join(
            f"{i['name']} ({i['triples']} {report_text('triples', lang)})" for i in report["inputs"]))
    for resource in report["resources"]:
        where = f"  ({report_text('source', lang)}: {resource['source']})" if resource["source"] else ""
        lines.append(f"\n{resource['label'] or resource['focus']}{where}")
        for r in resource["results"]:
            path = f"  {r['path']}" if r["path"] else ""
            value = f"  {report_text('value', lang).lower()} {r['value']}" if r["value"] else ""
            lines.append(f"  {report_text(r['severity'], lang) if r['severity'] in SEVERITIES else r['severity']}"
                         f"{path}{value}")
            lines.append(f"      {r['message']}")
            check = ", ".join(x for x in (r["shape"], r["constraint"]) if x)
            if check:
                lines.append(f"      [{check}]")
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The Jinja environment of the report templates (`templates/` beside this module): the
    standalone page, and the fragment and style a web page may include."""
    return Environment(loader=FileSystemLoader(str(REPORT_TEMPLATES)),
                       autoescape=select_autoescape(["html"]))


def report_context(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the report templates need besides the report itself."""
    return {"report": report, "report_lang": lang, "counts_line": counts_line(report, lang),
            "rt": lambda key: report_text(key, lang), "severities": SEVERITIES}


def report_html(report: dict[str, Any], lang: str) -> str:
    """The report as a standalone HTML page (`publisher validate --format html`)."""
    template = template_environment().get_template("standalone.html")
    return template.render(**report_context(report, lang))
