"""The report as a reader gets it: plain text, or HTML from the templates beside this module.
Both take the JSON form of an outcome (`Outcome.as_json()`), so the web page, the command
line and the JSON answer say the same."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from publisher.i18n import install, texts
from publisher.shacl.messages import SEVERITIES, severity_counts, severity_names

#: The report templates (the web page includes them too).
REPORT_TEMPLATES = Path(__file__).resolve().parent / "templates"


def counts_line(report: dict[str, Any], lang: str) -> str:
    """"Does not conform: Violations 2 · Warnings 1 · Infos 0" in the language asked."""
    _ = texts(lang).gettext
    head = _("Conforms") if report["conforms"] else _("Does not conform")
    headings = severity_counts(lang)
    counts = " · ".join(f"{headings[s]} {report['counts'].get(s, 0)}" for s in SEVERITIES)
    return f"{head}: {counts}"


def report_text_page(report: dict[str, Any], lang: str) -> str:
    """The report as plain text: the counts, then each resource with its findings."""
    # no gettext call inside an f-string: Python 3.11's tokens hide it from extraction
    language = texts(lang)
    _ = language.gettext
    profiles, files, source, value_word = _("Profiles"), _("Files"), _("Source"), _("Value")
    names = severity_names(lang)
    lines = [counts_line(report, lang)]
    if report["profiles"]:
        lines.append(f"{profiles}: {', '.join(report['profiles'])}")
    if report["inputs"]:
        counted = []
        for i in report["inputs"]:
            triples = language.ngettext("triple", "triples", i["triples"])
            counted.append(f"{i['name']} ({i['triples']} {triples})")
        lines.append(f"{files}: " + ", ".join(counted))
    for resource in report["resources"]:
        where = f"  ({source}: {resource['source']})" if resource["source"] else ""
        lines.append(f"\n{resource['label'] or resource['focus']}{name_text(resource)}{where}")
        for r in resource["results"]:
            path = f"  {r['path']}" if r["path"] else ""
            value = f"  {value_word.lower()} {r['value']}" if r["value"] else ""
            lines.append(f"  {names.get(r['severity'], r['severity'])}{path}{value}")
            lines.append(f"      {r['message']}")
            check = ", ".join(x for x in (r["shape"], r["constraint"]) if x)
            if check:
                lines.append(f"      [{check}]")
    return "\n".join(lines) + "\n"


def name_text(resource: dict[str, Any]) -> str:
    """The resource's label after its IRI: "  — Koulu", with the language when it is a
    fallback ("  — Skola (sv)")."""
    name = resource.get("name")
    if not name:
        return ""
    shown = f"{name['value']} ({name['lang']})" if name.get("fallback") else name["value"]
    return f"  — {shown}"


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The Jinja environment of the templates beside this module (the report: standalone
    page, fragment and style; the shape summaries: fragment and page); texts from
    publisher.i18n in the language of `lang`."""
    return install(Environment(loader=FileSystemLoader(str(REPORT_TEMPLATES)),
                               autoescape=select_autoescape(["html"])))


_SPACES = re.compile(r"(\s+)")
_AFTER_SEPARATOR = re.compile(r"(?<=[/#])(?=[^/#])")
BREAKABLE_LENGTH = 16


def breakable(text: str | None) -> Markup:
    """`text` escaped, with a line-break opportunity (<wbr>) after each / and # of its long
    words (IRIs, paths), so that a narrow table cell wraps an IRI between its parts instead
    of between two letters."""
    if not text:
        return Markup("")
    out = []
    for part in _SPACES.split(text):
        if len(part) >= BREAKABLE_LENGTH and ("/" in part or "#" in part):
            out.append(Markup("<wbr>").join(escape(piece) for piece in _AFTER_SEPARATOR.split(part)))
        else:
            out.append(escape(part))
    return Markup("").join(out)


def report_context(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the report templates need besides the report itself (the fragment's texts are in
    `lang`: a page in another language includes it with `lang` set to `report_lang`)."""
    return {"report": report, "report_lang": lang, "counts_line": counts_line(report, lang),
            "breakable": breakable,
            "report_title": texts(lang).gettext("SHACL validation report"),
            "severities": SEVERITIES, "severity_names": severity_names(lang),
            "severity_counts": severity_counts(lang)}


def report_html(report: dict[str, Any], lang: str) -> str:
    """The report as a standalone HTML page (`publisher validate --format html`)."""
    template = template_environment().get_template("standalone.html")
    return template.render(**report_context(report, lang), lang=lang)

