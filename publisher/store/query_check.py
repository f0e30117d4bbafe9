"""The checks every query passes before a store runs it, the endpoint's and the app's own.

A lexical scan, not a parse: strings, IRIs and comments are blanked out, variables and
prefixed names are skipped, so ``?service`` or ``ex:insert`` never count as keywords. It
refuses updates and (unless allowed) SERVICE, and bounds the nesting depth and the number
of operators before a parser sees the text: Oxigraph's parser and evaluator recurse, and a
5 kB query of 2 700 nested ``{`` or a 10 000-step path overflows their stack. It also finds
what the stores need to know: the query form, its own LIMIT, FROM clauses, relative IRIs.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from publisher.config import Limits
from publisher.store.errors import QueryRefused, QueryTooComplex

READ_ONLY = ("This endpoint is read-only: SPARQL Update is not accepted here. "
             "Send SELECT, ASK, CONSTRUCT or DESCRIBE queries.")
NO_SERVICE = "SERVICE (federated query) is disabled on this endpoint."

_QUERY_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE",
                    "ADD", "WITH"}
#: Keywords that nest the algebra without brackets of their own.
_NESTING_KEYWORDS = {"UNION", "OPTIONAL", "MINUS"}
_OPAQUE = re.compile(r'''
    \#[^\n]*                                   # a comment, to the end of the line
  | """(?:\\.|(?!""").)*(?:"""|$)              # long strings (unterminated: to the end)
  | \'\'\'(?:\\.|(?!\'\'\').)*(?:\'\'\'|$)
  | "(?:\\.|[^"\\\r\n])*(?:"|[\r\n]|$)        # short strings end at the line's end at least
  | '(?:\\.|[^'\\\r\n])*(?:'|[\r\n]|$)
  | <[^<>"{}|^`\\\x00-\x20]*>                  # an IRI
''', re.VERBOSE | re.DOTALL)
_KEYWORD = re.compile(r"(?<![\w?$:@.\-])([A-Za-z]+)(?![\w:\-])")
_IRI = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LIMIT = re.compile(r"(?<![\w?$:@.\-])LIMIT\s+(\d+)(?![\w:\-])", re.IGNORECASE)
_VALUES = re.compile(r"(?<![\w?$:@.\-])VALUES(?![\w:\-])", re.IGNORECASE)
_BRACKET = re.compile(r"[(){}\[\]]")
#: Path and expression operators: a ``-`` only where it cannot be part of a name, a ``^``
#: only alone (``^^`` types a literal).
_OPERATOR = re.compile(r"&&|\|\||[/|!+*=<>]|(?<!\^)\^(?!\^)|(?<![\w:.\-])-")


@dataclass(frozen=True)
class QueryInfo:
    """What a quick lexical scan tells about a SPARQL request before it is run."""

    form: str | None            # SELECT, CONSTRUCT, DESCRIBE, ASK or None (not recognised)
    is_update: bool
    uses_service: bool
    limit: int | None = None    # the query's own top-level LIMIT, if any
    has_dataset: bool = False   # FROM or FROM NAMED clauses
    relative_iris: bool = False  # IRIs to resolve against a base (<s>, <../x>)
    cappable: bool = False      # a SELECT that takes an appended top-level LIMIT
    depth: int = 0              # the deepest nesting of (), {} and []
    operators: int = 0          # UNION, OPTIONAL, MINUS, path and expression operators

    @property
    def result_kind(self) -> str | None:
        if self.form in {"SELECT", "ASK"}:
            return "solutions" if self.form == "SELECT" else "boolean"
        if self.form in {"CONSTRUCT", "DESCRIBE"}:
            return "graph"
        return None

    def rows_within(self, limit: int | None) -> bool:
        """True when the query cannot return more than ``limit`` rows (its own LIMIT)."""
        if limit is None:
            return True
        return self.form == "SELECT" and self.limit is not None and self.limit <= limit


def check_query(text: str, limits: Limits, allow_service: bool | None = None) -> QueryInfo:
    """Refuse what no store may run (QueryRefused: an update, SERVICE unless allowed by the
    argument or else by ``limits``; QueryTooComplex: past the depth or operator limits);
    returns what the scan found."""
    info = inspect_query(text)
    if info.is_update:
        raise QueryRefused(READ_ONLY)
    if info.uses_service and not (limits.allow_service if allow_service is None
                                  else allow_service):
        raise QueryRefused(NO_SERVICE)
    if info.depth > limits.query_max_depth:
        raise QueryTooComplex(
            f"The query nests brackets {info.depth} levels deep; this endpoint accepts at "
            f"most {limits.query_max_depth} (limits.query_max_depth).")
    if info.operators > limits.query_max_operators:
        raise QueryTooComplex(
            f"The query has {info.operators} operators (UNION, OPTIONAL, MINUS, path and "
            f"expression operators); this endpoint accepts at most "
            f"{limits.query_max_operators} (limits.query_max_operators).")
    return info


_REMEMBERED_QUERY_LENGTH = 8192


def inspect_query(text: str) -> QueryInfo:
    """The scan's findings; the answers for texts of ordinary length are remembered (the
    endpoint and the store look at the same text), long ones are not kept in memory."""
    if len(text) <= _REMEMBERED_QUERY_LENGTH:
        return _inspect_remembered(text)
    return _inspect(text)


@lru_cache(maxsize=512)
def _inspect_remembered(text: str) -> QueryInfo:
    return _inspect(text)


def _inspect(text: str) -> QueryInfo:
    blanked = _blank_out(text)
    keywords = [m.group(1).upper() for m in _KEYWORD.finditer(blanked)]
    form = None
    is_update = False
    for word in keywords:
        if word in {"BASE", "PREFIX"}:
            continue
        if word in _QUERY_FORMS:
            form = word
        elif word in _UPDATE_KEYWORDS:
            is_update = True
        break
    groups = _Groups(blanked)
    select = form == "SELECT"
    operators = (sum(1 for word in keywords if word in _NESTING_KEYWORDS)
                 + sum(1 for _ in _OPERATOR.finditer(blanked)))
    return QueryInfo(form=form, is_update=is_update, uses_service="SERVICE" in keywords,
                     limit=_top_level_limit(blanked, groups) if select else None,
                     has_dataset="FROM" in keywords, relative_iris=_has_relative_iri(text),
                     cappable=select and _takes_appended_limit(blanked, groups),
                     depth=groups.depth, operators=operators)


def _blank_out(text: str) -> str:
    """Replace comments, string literals and IRIs by spaces, keeping keywords and names."""
    return _OPAQUE.sub(lambda match: " " * len(match.group(0)), text)


class _Groups:
    """Where the braces of a blanked query open and close, read once: the nesting depth of
    all brackets, and whether a position lies outside every ``{ }`` group (the query's own
    solution modifiers, not a subquery's)."""

    def __init__(self, blanked: str) -> None:
        self.positions: list[int] = []
        self.balance: list[int] = []       # open braces after each brace
        depth = deepest = braces = 0
        for match in _BRACKET.finditer(blanked):
            char = match.group(0)
            if char in "({[":
                depth += 1
                deepest = max(deepest, depth)
            else:
                depth -= 1
            if char in "{}":
                braces += 1 if char == "{" else -1
                self.positions.append(match.start())
                self.balance.append(braces)
        self.depth = deepest

    def at_top_level(self, position: int) -> bool:
        index = bisect_left(self.positions, position)
        return index == 0 or self.balance[index - 1] == 0


def _top_level_limit(blanked: str, groups: _Groups) -> int | None:
    """The LIMIT outside every group (the query's own, not a subquery's)."""
    for match in _LIMIT.finditer(blanked):
        if groups.at_top_level(match.start()):
            return int(match.group(1))
    return None


def _takes_appended_limit(blanked: str, groups: _Groups) -> bool:
    """Whether ``LIMIT n`` may be written after the query's text: a SELECT with no LIMIT
    of its own, ending with its solution modifiers (no trailing VALUES block)."""
    return (_top_level_limit(blanked, groups) is None
            and not any(groups.at_top_level(m.start()) for m in _VALUES.finditer(blanked)))


def _has_relative_iri(text: str) -> bool:
    """Whether an IRI of the query has no scheme (a ``<`` operator is no IRI: it has a space
    or another ``<`` before its ``>``, which the IRI pattern refuses)."""
    return any(not _SCHEME.match(m.group(1)) for m in _IRI.finditer(text))


_NUMBER = re.compile(r"(?<![\w?$:])[+-]?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?")
_VARIABLE = re.compile(r"[?$]\w+")
_SPACE = re.compile(r"\s+")


def query_shape(text: str) -> str:
    """The query with its constants, variable names and layout taken out: queries of one
    shape cost alike, so admission remembers shapes, not texts (a changed literal or
    variable does not make a known runaway new)."""
    shape = _VARIABLE.sub("?", _NUMBER.sub("0", _blank_out(text)))
    return _SPACE.sub(" ", shape).strip()
