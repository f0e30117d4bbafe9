"""Bounds checked on uploaded RDF before a parser sees a byte of it.

A few hundred bytes can make a parser allocate gigabytes: RDF/XML entities that expand into
each other ("billion laughs"), JSON-LD or Turtle nested tens of thousands deep (memory grows
with the square of the depth for JSON-LD objects; RDF 1.2 triple terms nested that deep crash
the parser). Each function here scans one syntax cheaply — regular expressions that skip
strings, IRIs and comments the way the grammar does — and raises `InputRefused` naming the
limit and the line. Bounds: nesting at most `max_depth` deep; RDF/XML only with internal
entities whose values are plain text, and an expanded size of at most `max_bytes`.
"""
from __future__ import annotations

import re
from collections import Counter

DEPTH_SETTING = "limits.parse_max_depth"


class InputRefused(ValueError):
    """Input refused before parsing; `too_large` marks a size bound (HTTP 413); `code` and
    `params` name the message for other languages (publisher.shacl.messages.INPUT_TEXTS)."""

    def __init__(self, message: str, line: int | None = None, too_large: bool = False,
                 code: str | None = None, params: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.line, self.too_large = line, too_large
        self.code, self.params = code, dict(params or {})


def _line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def _too_deep(data: bytes, position: int, name: str, what: str, max_depth: int) -> InputRefused:
    line = _line(data, position)
    return InputRefused(
        f"{name}:{line}: {what} nest more than {max_depth} deep here, beyond the nesting limit "
        f"of {max_depth} ({DEPTH_SETTING}) that keeps parsing within bounded memory. Give the "
        "nested resources IRIs of their own, or flatten the structure.", line=line,
        code="too_deep", params={"name": name, "line": line, "limit": max_depth,
                                 "setting": DEPTH_SETTING})


# --------------------------------------------------------------------------- Turtle family

# Strings, IRIs, comments and escaped characters are skipped whole, as the grammar reads them
# (an unterminated long string runs to the end, as it does for the parser); what remains are
# the brackets that nest: [ ] blank nodes, ( ) lists, << >> triple terms, {| |} annotations.
_TURTLE_TOKEN = re.compile(b"|".join([
    rb'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+(?:"""|\Z)',
    rb"'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+(?:'''|\Z)",
    rb'"(?:[^"\\\n\r]++|\\[\s\S])*+"?',
    rb"'(?:[^'\\\n\r]++|\\[\s\S])*+'?",
    rb"<(?:[^<>\"{}|^`\\\x00-\x20]++|\\[\s\S])*+>",
    rb"#[^\n\r]*+",
    rb"\\[\s\S]",
    rb"<<\(|\)>>|<<|>>|\{\||\|\}|[\[\]()]",
]))
_TURTLE_OPEN = {b"[", b"(", b"<<", b"<<(", b"{|"}
_TURTLE_CLOSE = {b"]", b")", b">>", b")>>", b"|}"}


def check_turtle(data: bytes, name: str, max_depth: int) -> None:
    """Turtle, TriG, N-Triples and N-Quads: [ ], ( ), << >> and {| |} nest at most
    `max_depth` deep (N-Triples and N-Quads nest only RDF 1.2 triple terms)."""
    if data.count(b"[") + data.count(b"(") + data.count(b"<") + data.count(b"{") <= max_depth:
        return
    depth = 0
    for match in _TURTLE_TOKEN.finditer(data):
        token = match.group()
        if token in _TURTLE_OPEN:
            depth += 1
            if depth > max_depth:
                raise _too_deep(data, match.start(), name, "[ ], ( ), << >> and {| |}",
                                max_depth)
        elif token in _TURTLE_CLOSE and depth:
            depth -= 1


# --------------------------------------------------------------------------- JSON-LD

_JSON_TOKEN = re.compile(rb'"(?:[^"\\]++|\\[\s\S])*+(?:"|\Z)|[\[\]{}]')


def check_jsonld(data: bytes, name: str, max_depth: int) -> None:
    """JSON-LD: objects and arrays nest at most `max_depth` deep (strings, escapes included,
    are skipped)."""
    if data.count(b"[") + data.count(b"{") <= max_depth:
        return
    depth = 0
    for match in _JSON_TOKEN.finditer(data):
        token = match.group()
        if token in (b"{", b"["):
            depth += 1
            if depth > max_depth:
                raise _too_deep(data, match.start(), name, "JSON objects and arrays", max_depth)
        elif token in (b"}", b"]") and depth:
            depth -= 1


# --------------------------------------------------------------------------- RDF/XML

# Comments, CDATA sections and processing instructions end at their first terminator, and a
# tag honours quoted attribute values, as the XML reader under pyoxigraph reads them; a
# DOCTYPE ends at the '>' that balances its '<'s (quotes do not count there).
_XML_TOKEN = re.compile(b"|".join([
    rb"<!--[\s\S]*?(?:-->|\Z)",
    rb"<!\[CDATA\[[\s\S]*?(?:\]\]>|\Z)",
    rb"<\?[\s\S]*?(?:\?>|\Z)",
    rb"(?P<doctype><!(?i:DOCTYPE))",
    rb"</[^>]*+>?",
    rb"<(?:[^>\"']++|\"[^\"]*+\"?|'[^']*+'?)*+>?",
]))
_ANGLE = re.compile(rb"[<>]")
_EXTERNAL_DTD = re.compile(rb"<!(?i:DOCTYPE)\s+[^\s\[>]+\s+(?i:SYSTEM|PUBLIC)\b")
# The parser under pyoxigraph reads every '<!ENTITY' of a DOCTYPE, in comments too, and takes
# '<!ENTITY % name' for an ordinary entity; so every one anywhere is checked here.
_ENTITY = re.compile(rb"<!(?i:ENTITY)")
_DECLARATION = re.compile(rb"<!(?i:ENTITY)\s*(?P<pe>%)?\s*(?P<name>[^\s%]+)\s+"
                          rb"(?:(?P<external>(?i:SYSTEM|PUBLIC)\b)|\"(?P<double>[^\"]*)\"\s*>"
                          rb"|'(?P<single>[^']*)'\s*>)?")
_VALUE_REFERENCE = re.compile(rb"&(#x[0-9A-Fa-f]+|#[0-9]+|[^\s&;]*);|&|<|%[^\s;%]*;")
_REFERENCE = re.compile(rb"&([^\s&;#<>\"'%]+);")
_PREDEFINED = {b"lt", b"gt", b"amp", b"apos", b"quot"}
_UNSAFE_CHARACTERS = {"&", "<", "%"}


def _entity_problem(value: bytes) -> str | None:
    """Why an entity value is refused, or None: it must be plain text, with no reference to
    another entity and nothing that would become a reference or markup when expanded."""
    for match in _VALUE_REFERENCE.finditer(value):
        token, target = match.group(), match.group(1)
        if token.startswith(b"%"):
            return f"refers to the parameter entity '{token.decode('utf-8', 'replace')}'"
        if target is None:
            return "contains a bare '&' or '<'"
        if target.startswith(b"#"):
            hexadecimal = target[1:2] in (b"x", b"X")
            try:
                character = chr(int(target[2:] if hexadecimal else target[1:],
                                    16 if hexadecimal else 10))
            except (ValueError, OverflowError):
                return f"has an invalid character reference '&{target.decode()};'"
            if character in _UNSAFE_CHARACTERS:
                return f"has a character reference to '{character}', which expands to markup"
        elif target not in _PREDEFINED:
            return f"refers to the entity '{target.decode('utf-8', 'replace')}'"
    return None


def _refused_declaration(data: bytes, position: int, name: str, why: str) -> InputRefused:
    line = _line(data, position)
    return InputRefused(f"{name}:{line}: {why}. Entities may only be declared inside the "
                        "document with plain text values, such as "
                        "<!ENTITY owl \"http://www.w3.org/2002/07/owl#\">.", line=line,
                        code="entity_refused", params={"name": name, "line": line})


def _entities(data: bytes, name: str) -> dict[bytes, int]:
    """The length of the value of every entity declared; a declaration that is external, a
    parameter entity, unreadable, or whose value is not plain text is refused."""
    entities: dict[bytes, int] = {}
    for found in _ENTITY.finditer(data):
        position = found.start()
        declaration = _DECLARATION.match(data, position)
        if declaration is None:
            raise _refused_declaration(data, position, name, "an entity declaration cannot be "
                                                             "read")
        entity = declaration.group("name").decode("utf-8", "replace")
        if declaration.group("pe"):
            raise _refused_declaration(data, position, name, "parameter entities "
                                                             "(<!ENTITY % …>) are not accepted")
        if declaration.group("external"):
            raise _refused_declaration(data, position, name, f"the entity '{entity}' is external "
                                                             "(SYSTEM or PUBLIC), and external "
                                                             "entities are never read")
        value = declaration.group("double")
        if value is None:
            value = declaration.group("single")
        if value is None:
            raise _refused_declaration(data, position, name, "the declaration of the entity "
                                                             f"'{entity}' cannot be read")
        problem = _entity_problem(value)
        if problem:
            raise _refused_declaration(data, position, name, f"the value of the entity "
                                                             f"'{entity}' {problem}; entities "
                                                             "that expand into other entities "
                                                             "are refused because they can "
                                                             "grow without bound")
        key = declaration.group("name")
        entities[key] = max(len(value), entities.get(key, 0))
    return entities


def _doctype_end(data: bytes, start: int) -> int:
    """Where the DOCTYPE starting at `start` ends: after the '>' that balances its '<'s."""
    balance = 0
    for angle in _ANGLE.finditer(data, start + 2):
        if angle.group() == b"<":
            balance += 1
        elif balance == 0:
            return angle.end()
        else:
            balance -= 1
    return len(data)


def check_rdfxml(data: bytes, name: str, max_depth: int, max_bytes: int) -> None:
    """RDF/XML: elements nest at most `max_depth` deep; a DOCTYPE may declare only internal
    entities with plain-text values, and their references may not expand the document past
    `max_bytes` (computed from reference counts and value lengths, before parsing)."""
    entities = _entities(data, name)
    depth, seen_doctype, position = 0, False, 0
    while True:
        match = _XML_TOKEN.search(data, position)
        if match is None:
            break
        position = match.end()
        token = match.group()
        if match.group("doctype"):
            if seen_doctype:
                line = _line(data, match.start())
                raise InputRefused(f"{name}:{line}: a second DOCTYPE declaration", line=line)
            if _EXTERNAL_DTD.match(data, match.start()):
                raise _refused_declaration(data, match.start(), name, "the DOCTYPE names an "
                                                                      "external DTD (SYSTEM or "
                                                                      "PUBLIC), which is never "
                                                                      "read")
            seen_doctype, position = True, _doctype_end(data, match.start())
        elif token.startswith(b"</"):
            depth = max(0, depth - 1)
        elif not token.startswith((b"<!", b"<?")) and not token.endswith(b"/>"):
            depth += 1
            if depth > max_depth:
                raise _too_deep(data, match.start(), name, "XML elements", max_depth)
    if not entities:
        return
    counts = Counter(_REFERENCE.findall(data))
    growth = sum(count * (entities[ref] - len(ref) - 2) for ref, count in counts.items()
                 if ref in entities)
    expanded = len(data) + max(0, growth)
    if expanded > max_bytes:
        raise InputRefused(
            f"{name}: its {sum(counts[r] for r in entities):,} entity references would expand "
            f"the document to {expanded:,} bytes, more than the {max_bytes:,} bytes one input "
            "may have. Write the values out, or validate a smaller part.", too_large=True,
            code="entities_too_large", params={"name": name, "size": f"{expanded:,}",
                                               "limit": f"{max_bytes:,}"})


# --------------------------------------------------------------------------- all syntaxes


def check_input(data: bytes, syntax: str, name: str, max_depth: int, max_bytes: int) -> None:
    """The bounds of one syntax (a name of `publisher.shacl.INPUT_FORMATS`)."""
    if syntax in {"turtle", "trig", "ntriples", "nquads"}:
        check_turtle(data, name, max_depth)
    elif syntax == "jsonld":
        check_jsonld(data, name, max_depth)
    elif syntax == "rdfxml":
        check_rdfxml(data, name, max_depth, max_bytes)
    else:
        raise InputRefused(f"{name}: no bounds are known for the syntax '{syntax}'")
