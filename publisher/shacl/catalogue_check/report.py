"""The catalogue check as a reader gets it: plain text, a standalone HTML page, or the HTML
fragment the web page shows; all made from the report's JSON (`CatalogueReport.as_json`), as
the SHACL reports are, and each SHACL run shown with the SHACL report's own renderings."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from markupsafe import Markup

from publisher.i18n import install, texts, translate
from publisher.shacl.catalogue_check.texts import VIA
from publisher.shacl.messages import SEVERITIES, severity_counts, severity_names
from publisher.shacl.render import REPORT_TEMPLATES, breakable, counts_line, report_text_page

TEMPLATES = Path(__file__).resolve().parent / "templates"


def summary_line(report: dict[str, Any], lang: str) -> str:
    """"Catalogue check: does not conform: Violations 2 · Warnings 1 · Infos 0"."""
    title = texts(lang).gettext("Catalogue check")
    return f"{title}: {counts_line(report, lang)}"


def input_line(report: dict[str, Any], lang: str) -> str:
    language = texts(lang)
    found = report["input"]
    triples = language.ngettext("triple", "triples", found["triples"])
    distributions = language.ngettext("%(num)s distribution", "%(num)s distributions",
                                      report["distributions"])
    datasets = language.ngettext("%(num)s dataset", "%(num)s datasets", report["datasets"])
    return (f"{report['source']} ({found['format']}, {found['triples']} {triples}): "
            f"{datasets}, {distributions}")


def access_line(report: dict[str, Any], lang: str) -> str:
    """Where the check sent requests, in a sentence."""
    _ = texts(lang).gettext
    if report["web"]:
        return _("No request was sent: this service's own URLs were checked against the "
                 "release's files, other URLs are not checked on the web.")
    if report["network"]:
        return _("Network access allowed (--allow-network): every http(s) URL was asked.")
    return _("Network access off: loopback URLs and this service's own URLs were checked; "
             "others are not checked (--allow-network asks them).")


def url_line(url: dict[str, Any], lang: str) -> str:
    status = str(url["status"]) if url["status"] is not None else "—"
    if not url["checked"]:
        status = texts(lang).gettext("not checked")
    size = f"{url['size']:,} B" if url["size"] is not None else "—"
    shown = url["media_type"] or "—"
    return f"  {status:<12} {shown:<24} {size:>14}  {url['url']}"


def report_text(report: dict[str, Any], lang: str) -> str:
    """The report as plain text: summary, URLs, findings, each SHACL run, the MQA score."""
    _ = texts(lang).gettext
    names = severity_names(lang)
    urls, findings, nothing = _("URLs"), _("Findings"), _("Nothing to report.")
    lines = [summary_line(report, lang), input_line(report, lang), access_line(report, lang)]
    lines.append(f"\n{urls} ({len(report['urls'])})")
    lines += [url_line(url, lang) for url in report["urls"]]
    lines.append(f"\n{findings} ({len(report['findings'])})")
    for finding in report["findings"]:
        where = f"  {finding['url']}" if finding["url"] else ""
        lines.append(f"  {names[finding['severity']]:<10} {finding['role_name']}{where}")
        lines.append(f"      {finding['message']}")
        lines.append(f"      [{finding['subject']}]")
    if not report["findings"]:
        lines.append(f"  {nothing}")
    for run in report["shacl"]:
        lines.append(f"\n{run['title']} ({run['profile']})")
        lines.append(report_text_page(run, lang).rstrip("\n"))
    lines.append("\n" + quality_text(report.get("quality"), lang))
    lines += report.get("notes", [])
    return "\n".join(lines) + "\n"


def quality_text(quality: dict[str, Any] | None, lang: str) -> str:
    _ = texts(lang).gettext
    title, not_computed = _("Metadata quality (MQA)"), _("not computed")
    if not quality or "total" not in quality:
        return f"{title}: {not_computed}"
    lines = [f"{title}: {quality['total']} / {quality['maximum']} — {quality['rating_name']}"]
    lines.append("  " + " · ".join(
        f"{quality['dimension_names'].get(key, key)} {value['points']}/{value['maximum']}"
        for key, value in quality["dimensions"].items()))
    for shortfall in quality["shortfalls"]:
        lines.append(f"  {shortfall['name']} ({shortfall['points']}/{shortfall['weight']}), "
                     f"{shortfall['dataset']}: {shortfall['detail']}")
    return "\n".join(lines)


@lru_cache(maxsize=1)
def template_environment() -> Environment:
    """The check's templates, with the SHACL report's under `shacl/`."""
    loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)),
                           PrefixLoader({"shacl": FileSystemLoader(str(REPORT_TEMPLATES))}),
                           FileSystemLoader(str(REPORT_TEMPLATES))])   # the report's page
    return install(Environment(loader=loader, autoescape=select_autoescape(["html"])))


def report_context(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """What the templates need: the report, its texts in `lang`, and per SHACL run what the
    SHACL report fragment needs."""
    runs = [{"run": run, "counts_line": counts_line(run, lang)} for run in report["shacl"]]
    return {"report": report, "lang": lang, "runs": runs,
            "via_names": {key: translate(lang, text) for key, text in VIA.items()},
            "summary_line": summary_line(report, lang), "input_line": input_line(report, lang),
            "access_line": access_line(report, lang), "breakable": breakable,
            "severities": SEVERITIES, "severity_names": severity_names(lang),
            "severity_counts": severity_counts(lang)}


def report_fragment(report: dict[str, Any], lang: str) -> Markup:
    """The report as an HTML fragment, for a page of the site."""
    template = template_environment().get_template("catalogue_report.html")
    return Markup(template.render(**report_context(report, lang)))


def report_html(report: dict[str, Any], lang: str) -> str:
    """The report as a standalone HTML page (`publisher check-catalogue --format html`)."""
    template = template_environment().get_template("catalogue_page.html")
    return template.render(fragment=report_fragment(report, lang), lang=lang)


def render(report: dict[str, Any], fmt: str, lang: str) -> str:
    """text, html or json."""
    if fmt == "json":
        return json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        return report_html(report, lang)
    return report_text(report, lang)
