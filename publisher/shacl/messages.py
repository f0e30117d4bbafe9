"""The message ids of the reports that are chosen by a key, not written where they are shown:
the severities, and the messages made from a constraint component when a shape has none in the
language asked. Their translations are in publisher.i18n's catalogues, like every other text."""
from __future__ import annotations

from publisher.i18n import LANGUAGES, N_, translate

SEVERITIES = ("Violation", "Warning", "Info")
#: a result's severity as a report names it (lowercase in the shape summaries)
SEVERITY_NAMES = {"Violation": N_("Violation"), "Warning": N_("Warning"), "Info": N_("Info")}
#: the heading of a severity's count ("Violations 2")
SEVERITY_COUNTS = {"Violation": N_("Violations"), "Warning": N_("Warnings"), "Info": N_("Infos")}

# Messages by constraint component, for shapes that have none in the language asked (the
# official DCAT-AP shapes have none at all). %(x)s is the shape's parameter sh:x.
COMPONENT_MESSAGES: dict[str, str] = {
    "MinCount": N_("At least %(minCount)s value(s) required"),
    "MaxCount": N_("At most %(maxCount)s value(s) allowed"),
    "Class": N_("The value must be an instance of %(class)s"),
    "Datatype": N_("The value must have the datatype %(datatype)s"),
    "NodeKind": N_("The value must be of kind %(nodeKind)s"),
    "Pattern": N_("The value does not match the pattern %(pattern)s"),
    "In": N_("The value is not one of the allowed values"),
    "HasValue": N_("The required value %(hasValue)s is missing"),
    "LanguageIn": N_("The language of the value is not one of those allowed"),
    "UniqueLang": N_("More than one value in the same language"),
    "MinLength": N_("The value is shorter than %(minLength)s characters"),
    "MaxLength": N_("The value is longer than %(maxLength)s characters"),
    "MinInclusive": N_("The value must be at least %(minInclusive)s"),
    "MaxInclusive": N_("The value must be at most %(maxInclusive)s"),
    "MinExclusive": N_("The value must be greater than %(minExclusive)s"),
    "MaxExclusive": N_("The value must be less than %(maxExclusive)s"),
    "Node": N_("The value does not conform to the shape %(node)s"),
    "Closed": N_("The property is not allowed here (closed shape)"),
    "Or": N_("The value conforms to none of the alternatives"),
    "Xone": N_("The value must conform to exactly one of the alternatives"),
    "And": N_("The value does not meet every condition"),
    "Not": N_("The value conforms to a shape it must not"),
    "QualifiedMinCount": N_("Too few values conform to the required shape"),
    "QualifiedMaxCount": N_("Too many values conform to the limited shape"),
    "Equals": N_("The values differ from those of %(equals)s"),
    "Disjoint": N_("The value is also a value of %(disjoint)s"),
}


# Why an input cannot be validated, by the code of its UnreadableInput (publisher.shacl.errors),
# for a reader of the web form in their language (the command line says it in English).
INPUT_TEXTS: dict[str, str] = {
    "syntax_at": N_("%(name)s, line %(line)s, column %(column)s: not valid %(format)s: %(detail)s"),
    "syntax": N_("%(name)s: not valid %(format)s: %(detail)s"),
    "remote_context": N_("%(name)s: the JSON-LD refers to a remote @context, which is never "
                         "fetched; put the context inline."),
    "empty": N_("%(name)s: the file is empty; give RDF data (%(formats)s)."),
    "no_triples": N_("%(name)s: valid %(format)s but without a single triple; nothing to "
                     "validate."),
    "too_many_triples": N_("%(name)s: more than %(limit)s triples, the most one validation "
                           "reads. Validate a smaller part, for example resource by resource."),
    "too_large": N_("%(name)s: %(size)s bytes, more than the %(limit)s bytes one validation "
                    "reads (%(setting)s)."),
    "gunzip_too_large": N_("%(name)s: decompresses to more than %(limit)s bytes, the most one "
                           "input may hold (%(setting)s); decompression stopped there. Validate "
                           "a smaller part."),
    "gzip_invalid": N_("%(name)s: not a valid gzip file (%(detail)s)."),
    "gzip_nested": N_("%(name)s: gzip nested more than %(layers)s deep; give the data "
                      "compressed once."),
    "binary_kind": N_("%(name)s: a %(kind)s file, not RDF text. Give Turtle, N-Triples, "
                      "RDF/XML, JSON-LD, TriG or N-Quads, gzip-compressed or not."),
    "binary_nul": N_("%(name)s: binary content, not RDF text (a NUL byte at byte %(offset)s)."),
    "not_utf8": N_("%(name)s: not UTF-8 text (an invalid byte sequence at byte %(offset)s); "
                   "RDF text must be UTF-8."),
    "unknown_format": N_("Unknown input format '%(format)s'; use one of %(choices)s."),
    "too_deep": N_("%(name)s, line %(line)s: nested more than %(limit)s deep, beyond the "
                   "nesting limit (%(setting)s) that keeps parsing within bounded memory. Give "
                   "the nested resources IRIs of their own, or flatten the structure."),
    "entity_refused": N_("%(name)s, line %(line)s: an entity declaration that is not read. "
                         "Entities may only be declared inside the document with plain text "
                         "values."),
    "entities_too_large": N_("%(name)s: its entity references would expand the document to "
                             "%(size)s bytes, more than the %(limit)s bytes one input may have."),
}
#: added to a syntax error when the content looks like another syntax
LOOKS_LIKE = N_("The content looks like %(looks)s, not %(format)s.")


def input_text(lang: str, code: str | None, params: dict[str, object]) -> str | None:
    """An UnreadableInput's message in `lang`, or None when it has no translated form."""
    if code not in INPUT_TEXTS:
        return None
    try:
        text = translate(lang, INPUT_TEXTS[code], **params)
        if params.get("looks"):
            text += " " + translate(lang, LOOKS_LIKE, **params)
    except (KeyError, TypeError, ValueError):     # a parameter missing: say it in English
        return None
    return text


def severity_names(lang: str) -> dict[str, str]:
    return {s: translate(lang, SEVERITY_NAMES[s]) for s in SEVERITIES}


def severity_counts(lang: str) -> dict[str, str]:
    return {s: translate(lang, SEVERITY_COUNTS[s]) for s in SEVERITIES}


__all__ = ["COMPONENT_MESSAGES", "INPUT_TEXTS", "LANGUAGES", "SEVERITIES", "SEVERITY_COUNTS",
           "SEVERITY_NAMES", "input_text", "severity_counts", "severity_names"]
