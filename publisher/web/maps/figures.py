"""What each page's map shows — the home page's choropleth, the filtered list's, a
municipality's partners, a project's municipalities, the collaboration network — as a
figure: the SVG, its legend and the same numbers as a table (the text alternative).

A figure is named by a small JSON-able spec (``{"kind": "home"}``, ``{"kind":
"projects", "filters": {...}}``, ``{"kind": "municipality", "iri": …}`` …) that pages put in
their data; `publisher.web.maps.rendering` renders it once per release, language and spec.
"""
from __future__ import annotations

from typing import Any, Callable

from publisher import i18n
from publisher.docs.labels import collation_key, pick_literal
from publisher.vocab import LABEL_PREDICATES
from publisher.web.context import here
from publisher.web.maps import network
from publisher.web.maps.borders import Area, Borders, borders
from publisher.web.maps.counts import Counts, involved, project_counts, shared_projects
from publisher.web.maps.draw import svg
from publisher.web.maps.palette import (COLOURS, NONE_COLOUR, REGION_COLOUR, class_ranges,
                                        colour_of)
from publisher.web.pages.project_index import ProjectIndex, project_index
from publisher.web.pages.project_list import matching_projects

Figure = dict[str, Any]


def area_name(area: Area, lang: str) -> str:
    for predicate in LABEL_PREDICATES:
        found = pick_literal(area.labels.get(predicate, []), lang)
        if found:
            return found["value"]
    return area.code


def _ranges() -> list[str]:
    return [str(low) if high == low else f"{low}+" if high is None else f"{low}–{high}"
            for low, high in class_ranges()]


def _link(area: Area, lang: str) -> dict[str, Any]:
    return {"text": area_name(area, lang), "href": here().href(area.iri)}


def _choropleth(spec: dict[str, Any], base: Borders, index: ProjectIndex, lang: str) -> Figure:
    words = i18n.texts(lang)
    filtered = spec["kind"] == "projects"
    chosen = matching_projects(spec.get("filters") or {}) if filtered else None
    counts = project_counts(index.projects, base.areas, chosen)
    titles = {iri: _count_title(words, area_name(area, lang), counts.get(iri))
              for iri, area in base.areas.items()}
    caption = (words.gettext("Projects per municipality in the filtered list") if filtered
               else words.gettext("Projects per municipality"))
    rows = sorted(((base.areas[iri], c) for iri, c in counts.items()),
                  key=lambda item: (-item[1].total, collation_key(area_name(item[0], lang))))
    return {
        "caption": caption, "note": words.gettext("Municipalities without projects are not "
                                                  "listed."),
        "svg": svg(base, map_id=spec["id"], label=caption,
                   fills={iri: colour_of(c.total) for iri, c in counts.items()},
                   titles=titles, hrefs=_hrefs(base)),
        "legend": [{"colour": NONE_COLOUR, "label": words.gettext("No projects")}]
        + [{"colour": colour, "label": label} for colour, label in zip(COLOURS, _ranges())],
        "legend_title": words.gettext("Projects"),
        "headers": [words.gettext("Municipality"), words.gettext("Projects"),
                    words.gettext("As lead"), words.gettext("As partner")],
        "rows": [[_link(area, lang), c.total, c.lead, c.partner] for area, c in rows],
    }


def _count_title(words: i18n.Texts, name: str, counts: Counts | None) -> str:
    if counts is None:
        return words.gettext("%(name)s: no projects", name=name)
    return words.ngettext("%(name)s: %(num)s project (lead %(lead)s, partner %(partner)s)",
                          "%(name)s: %(num)s projects (lead %(lead)s, partner %(partner)s)",
                          counts.total, name=name, lead=counts.lead, partner=counts.partner)


def _hrefs(base: Borders) -> dict[str, str]:
    current = here()
    return {iri: current.href(iri) for iri in base.areas}


def _municipality(spec: dict[str, Any], base: Borders, index: ProjectIndex,
                  lang: str) -> Figure:
    """The municipality (dark, outlined) and its partners, by the projects they share."""
    words = i18n.texts(lang)
    iri = spec["iri"]
    shared: dict[str, int] = {}
    for entry in index.projects.values():
        leads, partners = involved(entry, base.areas)
        if iri in leads | partners:
            for other in (leads | partners) - {iri}:
                shared[other] = shared.get(other, 0) + 1
    name = area_name(base.areas[iri], lang)
    caption = words.gettext("%(name)s and its partners in shared projects", name=name)
    titles = {m: (words.ngettext("%(name)s: %(num)s shared project",
                                 "%(name)s: %(num)s shared projects", shared[m],
                                 name=area_name(area, lang)) if m in shared
                  else area_name(area, lang)) for m, area in base.areas.items()}
    titles[iri] = name
    fills = {m: colour_of(n) for m, n in shared.items()}
    fills[iri] = REGION_COLOUR
    rows = sorted(shared.items(), key=lambda kv: (-kv[1], collation_key(
        area_name(base.areas[kv[0]], lang))))
    return {
        "caption": caption, "note": None,
        "svg": svg(base, map_id=spec["id"], label=caption, fills=fills, titles=titles,
                   hrefs=_hrefs(base), on_top=[iri]),
        "legend": [{"colour": REGION_COLOUR, "label": name},
                   {"colour": NONE_COLOUR, "label": words.gettext("No shared projects")}]
        + [{"colour": colour, "label": label} for colour, label in zip(COLOURS, _ranges())],
        "legend_title": words.gettext("Shared projects"),
        "headers": [words.gettext("Partner municipality"), words.gettext("Shared projects")],
        "rows": [[_link(base.areas[m], lang), n] for m, n in rows],
    }


def _project(spec: dict[str, Any], base: Borders, index: ProjectIndex,
             lang: str) -> Figure | None:
    """The project's lead (darkest) and partner municipalities; none when it names none."""
    words = i18n.texts(lang)
    entry = index.projects.get(spec["iri"], {"lead": [], "partners": [], "partner_orgs": []})
    leads, partners = involved(entry, base.areas)
    partners -= leads
    if not leads | partners:
        return None
    lead_colour, partner_colour = COLOURS[-1], COLOURS[1]
    caption = words.gettext("Municipalities of the project")
    roles = {**{m: words.gettext("Lead") for m in leads},
             **{m: words.gettext("Partner") for m in partners}}
    titles = {m: (f"{area_name(area, lang)}: {roles[m]}" if m in roles else area_name(area, lang))
              for m, area in base.areas.items()}
    rows = sorted(roles, key=lambda m: (m not in leads, collation_key(
        area_name(base.areas[m], lang))))
    return {
        "caption": caption, "note": None,
        "svg": svg(base, map_id=spec["id"], label=caption,
                   fills={**{m: partner_colour for m in partners},
                          **{m: lead_colour for m in leads}},
                   titles=titles, hrefs=_hrefs(base), on_top=sorted(leads)),
        "legend": [{"colour": lead_colour, "label": words.gettext("Lead")},
                   {"colour": partner_colour, "label": words.gettext("Partner")},
                   {"colour": NONE_COLOUR, "label": words.gettext("Not in the project")}],
        "legend_title": None,
        "headers": [words.gettext("Municipality"), words.gettext("Role")],
        "rows": [[_link(base.areas[m], lang), roles[m]] for m in rows],
    }


def _collaboration(spec: dict[str, Any], base: Borders, index: ProjectIndex,
                   lang: str) -> Figure:
    """Municipalities as points, the projects they share as lines."""
    words = i18n.texts(lang)
    pairs = shared_projects(index.projects, base.areas)
    counts = project_counts(index.projects, base.areas)
    names = {iri: area_name(area, lang) for iri, area in base.areas.items()}
    line_titles = {(a, b): words.ngettext("%(a)s – %(b)s: %(num)s shared project",
                                          "%(a)s – %(b)s: %(num)s shared projects", n,
                                          a=names[a], b=names[b])
                   for (a, b), n in pairs.items() if n > 1}
    hrefs = _hrefs(base)
    drawn = network.layout(base, pairs, {m: c.total for m, c in counts.items()}, line_titles,
                           {m: _count_title(words, names[m], c) for m, c in counts.items()},
                           hrefs)
    caption = words.gettext("Municipalities working together")
    partners: dict[str, set[str]] = {}
    for a, b in pairs:
        partners.setdefault(a, set()).add(b)
        partners.setdefault(b, set()).add(a)
    heavy = sorted(((a, b, n) for (a, b), n in pairs.items() if n > 1),
                   key=lambda t: (-t[2], collation_key(names[t[0]]), collation_key(names[t[1]])))
    return {
        "caption": caption,
        "note": words.gettext("Pairs that share one project are drawn as thin lines and "
                              "counted in the second table."),
        "svg": svg(base, map_id=spec["id"], label=caption, fills={},
                   titles={m: _count_title(words, names[m], counts.get(m)) for m in names},
                   hrefs=hrefs, lines=drawn.lines, thin_lines=drawn.singles_path,
                   thin_colour=network.SINGLE_COLOUR, dots=drawn.dots),
        "legend": [{"colour": network.SINGLE_COLOUR, "label": words.gettext(
            "One shared project")}] + [{"colour": colour, "label": label} for colour, label in
                                       zip(COLOURS[1:], _ranges()[1:])],
        "legend_title": words.gettext("Shared projects"),
        "headers": [words.gettext("Municipality"), words.gettext("Municipality"),
                    words.gettext("Shared projects")],
        "rows": [[_link(base.areas[a], lang), _link(base.areas[b], lang), n]
                 for a, b, n in heavy],
        "second": {
            "headers": [words.gettext("Municipality"), words.gettext("Partner municipalities"),
                        words.gettext("Projects")],
            "rows": [[_link(base.areas[m], lang), len(partners.get(m, ())), c.total]
                     for m, c in sorted(counts.items(), key=lambda kv: (
                         -len(partners.get(kv[0], ())), collation_key(names[kv[0]])))]},
    }


_BUILDERS: dict[str, Callable[[dict[str, Any], Borders, ProjectIndex, str], Figure | None]] = {
    "home": _choropleth, "projects": _choropleth, "municipality": _municipality,
    "project": _project, "collaboration": _collaboration}


def figure(spec: dict[str, Any]) -> Figure | None:
    """The figure a spec names, in the request's language; None when the release has no
    borders or the spec names no municipality on the map."""
    base = borders()
    builder = _BUILDERS.get(spec.get("kind", ""))
    if base.frame is None or builder is None:
        return None
    if spec["kind"] == "municipality" and spec.get("iri") not in base.areas:
        return None
    return builder(spec, base, project_index(), here().lang)


def spec_of(kind: str, iri: str | None = None) -> dict[str, Any]:
    """A figure's spec with the element id its SVG gets (the project list, which this module
    reads, writes its own: ``{"kind": "projects", "id": "map-projects", "filters": …}``)."""
    spec: dict[str, Any] = {"kind": kind, "id": f"map-{kind}"}
    if iri is not None:
        spec["iri"] = iri
    return spec
