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


def severity_names(lang: str) -> dict[str, str]:
    return {s: translate(lang, SEVERITY_NAMES[s]) for s in SEVERITIES}


def severity_counts(lang: str) -> dict[str, str]:
    return {s: translate(lang, SEVERITY_COUNTS[s]) for s in SEVERITIES}


__all__ = ["COMPONENT_MESSAGES", "LANGUAGES", "SEVERITIES", "SEVERITY_COUNTS", "SEVERITY_NAMES",
           "severity_counts", "severity_names"]
