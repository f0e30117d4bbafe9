"""The text of one page of a SELECT: the query wrapped so that its rows have a total order.

Why: a store's order of rows is not guaranteed between two runs (SPARQL leaves it to the
engine), so ``OFFSET n LIMIT k`` of the bare query could repeat or lose rows from one page to
the next. The user's SELECT becomes a subquery, and the outer query sorts its rows by every
projected variable with keys that are plain strings — kind of term, lexical form, language
tag, datatype IRI — so two rows tie only when they hold the same terms (SPARQL's own ``<``
is not a total order over literals: ``"1"^^xsd:integer`` and ``"01"^^xsd:integer`` compare
equal, ``"a"@fi`` and ``"a"@sv`` not at all). Rows that tie are equal, so which of them
comes first cannot change the rows of a page as a multiset; blank nodes alone are left to
the engine's own order (Oxigraph and Virtuoso keep a stored blank node's label).

Paging is offered only where the unlimited query has one answer: a query that makes new
values on every run (RAND, NOW, UUID, STRUUID, BNODE) or lets the engine choose rows (LIMIT,
OFFSET, SAMPLE, REDUCED anywhere in it) has none to page through, and FROM clauses cannot
stand in a subquery (the protocol's default-graph-uri and named-graph-uri can). The scan is
deliberately coarse: a word that only looks like one of these (inside a string, say) turns
paging off, never on.
"""
from __future__ import annotations

import re

from publisher.store.query_check import QueryInfo

#: The prologue: white space, comments, BASE and PREFIX declarations.
_PROLOGUE = re.compile(
    r"""(?:\s+|\#[^\n]*
        |BASE\s*<[^<>"{}|^`\\\x00-\x20]*>
        |PREFIX\s+[^\s:]*:\s*<[^<>"{}|^`\\\x00-\x20]*>)*""", re.IGNORECASE | re.VERBOSE)
_SELECT = re.compile(r"SELECT(?![\w:\-])", re.IGNORECASE)
_UNSTABLE = re.compile(
    r"(?<![\w?$:.\-])(?:(RAND|NOW|UUID|STRUUID|BNODE|SAMPLE)\s*\(|(LIMIT|OFFSET)\s+\d"
    r"|(REDUCED)(?![\w:\-]))", re.IGNORECASE)
_VARIABLE = re.compile(r"[A-Za-z0-9_\u00b7\u00c0-\U000effff]+")
#: Brackets the wrapper adds around the user's query at most (subquery, IF, COALESCE).
WRAPPER_DEPTH = 4


def unpageable(sparql: str, info: QueryInfo, max_depth: int) -> str | None:
    """Why the rows of this query cannot be paged through, or None when they can."""
    if info.form != "SELECT":
        return "only SELECT results are paged"
    if info.has_dataset:
        return ("a query with FROM is not paged: name its graphs with the default-graph-uri "
                "and named-graph-uri parameters instead")
    found = _UNSTABLE.search(sparql)
    if found:
        word = next(group for group in found.groups() if group).upper()
        return (f"a query using {word} has no single answer to page through: its rows "
                "may differ from run to run")
    if _SELECT.match(sparql, _PROLOGUE.match(sparql).end()) is None:
        return "the query's prologue is not only BASE and PREFIX declarations"
    if info.depth + WRAPPER_DEPTH > max_depth:
        return "the query nests too deep to be wrapped for paging"
    return None


def _keys(name: str) -> str:
    """Sort keys of one variable: its kind (unbound, blank node, IRI, literal), lexical form,
    language tag and datatype, all plain strings or integers, then the term itself (which
    only blank nodes still need)."""
    v = f"?{name}"
    return (f"COALESCE(IF(isBLANK({v}), 1, IF(isIRI({v}), 2, 3)), 0) STR({v}) LANG({v}) "
            f"STR(DATATYPE({v})) {v}")


def page_query(sparql: str, variables: list[str], offset: int, rows: int) -> str:
    """The query whose answer is rows ``offset`` to ``offset + rows`` (exclusive) of
    ``sparql`` in the total order, one row more when there are any (so the caller knows
    another page follows). ``variables``: the projected variables, in the order of the
    query's own answer (its head), so both answers have the same columns."""
    if not variables or not all(_VARIABLE.fullmatch(name) for name in variables):
        raise ValueError("not a list of SPARQL variable names")
    start = _PROLOGUE.match(sparql).end()
    if _SELECT.match(sparql, start) is None:
        raise ValueError("not a SELECT query after its prologue")
    projection = " ".join(f"?{name}" for name in variables)
    order = " ".join(_keys(name) for name in variables)
    return (f"{sparql[:start]}SELECT {projection} WHERE {{ {{ {sparql[start:]}\n}} }}\n"
            f"ORDER BY {order}\nOFFSET {int(offset)} LIMIT {int(rows) + 1}")
