"""The list of projects with filters (Datasette-style facets: each option with how many
projects it would give), search in titles and paging; each state is a shareable URL."""
from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlencode

from publisher.docs.labels import collation_key, local_name
from publisher.web.context import here
from publisher.web.pages.project_index import (ProjectIndex, indexed_label, project_index,
                                               project_rows)

PAGE_SIZE = 50
#: the list's filters, in the order their parameters appear in a shared URL
FILTERS = ("municipality", "region", "status", "theme", "programme")


def list_href(filters: dict[str, str | None], page: int = 1, json_path: bool = False) -> str:
    """The shareable address of one state of the project list."""
    params = [(name, filters[name]) for name in (*FILTERS, "q") if filters.get(name)]
    if page > 1:
        params.append(("page", str(page)))
    if here().lang_explicit:
        params.append(("lang", here().lang))
    path = here().page("projects.json" if json_path else "projects")
    return path + ("?" + urlencode(params) if params else "")


def _facet_values(index: ProjectIndex, entry: dict[str, Any], name: str) -> set[str]:
    """The keys a project offers for one filter."""
    organisations = [*entry["lead"], *entry["partners"]]
    if name == "municipality":
        return {local_name(o) for o in (*organisations, *entry["partner_orgs"])}
    if name == "region":
        return {local_name(index.regions[o]) for o in organisations if o in index.regions}
    if name == "status":
        return {local_name(entry["status"])} if entry["status"] else set()
    return {local_name(v) for v in entry[{"theme": "themes", "programme": "programmes"}[name]]}


def _matches(index: ProjectIndex, entry: dict[str, Any], chosen: dict[str, str | None],
             leave_out: str | None = None) -> bool:
    for name in FILTERS:
        if name != leave_out and chosen[name] and chosen[name] not in _facet_values(
                index, entry, name):
            return False
    words = chosen.get("q")
    if words:
        titles = " ".join(t.value for t in entry["titles"]).casefold()
        return all(word in titles for word in words.casefold().split())
    return True


def _option_iris(index: ProjectIndex, name: str) -> set[str]:
    """The resources one filter can choose from (municipalities, regions, …)."""
    found: set[str] = set()
    for entry in index.projects.values():
        if name == "municipality":
            found.update(o for o in (*entry["lead"], *entry["partners"])
                         if o in index.municipalities)
        elif name == "region":
            found.update(index.regions[o] for o in (*entry["lead"], *entry["partners"])
                         if o in index.regions)
        elif name == "status":
            found.update([entry["status"]] if entry["status"] else [])
        else:
            found.update(entry[{"theme": "themes", "programme": "programmes"}[name]])
    return found


def _facet(index: ProjectIndex, name: str, chosen: dict[str, str | None]) -> list[dict[str, Any]]:
    """The options of one filter with how many projects each would give together with the
    other filters (Datasette's facets); options that would give none are left out."""
    counts: Counter[str] = Counter()
    for entry in index.projects.values():
        if _matches(index, entry, chosen, leave_out=name):
            counts.update(_facet_values(index, entry, name))
    lang = here().lang
    options = []
    for iri in _option_iris(index, name):
        key = local_name(iri)
        if counts[key] or key == chosen[name]:
            options.append({"iri": iri, "key": key, "label": indexed_label(index, iri, lang),
                            "count": counts[key], "selected": key == chosen[name]})
    options.sort(key=lambda o: collation_key(o["label"]["value"]))
    return options


def _active_filters(options: dict[str, list[dict[str, Any]]],
                    chosen: dict[str, str | None]) -> list[dict[str, Any]]:
    """Each chosen filter with a link that removes just it."""
    active = []
    for name in (*FILTERS, "q"):
        if not chosen.get(name):
            continue
        label = next((o["label"]["value"] for o in options.get(name, []) if o["selected"]),
                     chosen[name])
        active.append({"name": name, "value": chosen[name], "label": label,
                       "remove_href": list_href({**chosen, name: None})})
    return active


def _paging(total: int, page: int, chosen: dict[str, str | None],
            json_path: bool) -> dict[str, Any]:
    pages = max(1, -(-total // PAGE_SIZE))
    first = (page - 1) * PAGE_SIZE
    return {"page": page, "pages": pages, "size": PAGE_SIZE,
            "first": first + 1 if total > first else 0, "last": min(total, first + PAGE_SIZE),
            "prev": list_href(chosen, page - 1, json_path) if page > 1 else None,
            "next": list_href(chosen, page + 1, json_path) if page < pages else None}


def project_list_page(chosen: dict[str, str | None], page: int,
                      json_path: bool) -> dict[str, Any]:
    """One page of the projects that match the filters ``chosen`` (also its JSON)."""
    index = project_index()
    matching = [iri for iri, entry in index.projects.items() if _matches(index, entry, chosen)]
    rows = project_rows(matching)
    options = {name: _facet(index, name, chosen) for name in FILTERS}
    paging = _paging(len(rows), page, chosen, json_path)
    return {"page": "projects", "filters": chosen, "options": options,
            "active": _active_filters(options, chosen), "count": len(rows),
            "paging": paging, "json_href": list_href(chosen, page, json_path=True),
            "projects": rows[(page - 1) * PAGE_SIZE:page * PAGE_SIZE],
            "map": {"kind": "projects", "id": "map-projects",
                    "filters": {k: v for k, v in chosen.items() if v}}}


def matching_projects(chosen: dict[str, str | None]) -> list[str]:
    """The projects the list shows for the filters ``chosen`` (all pages; the maps use it)."""
    index = project_index()
    every = {name: chosen.get(name) for name in (*FILTERS, "q")}
    return [iri for iri, entry in index.projects.items() if _matches(index, entry, every)]
