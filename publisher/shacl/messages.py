"""Every fi/sv/en text of the reports, in one place for the translators: the report's words
(`REPORT_TEXTS`, read by `report_text`), the messages made from a constraint component when a
shape has none in the language asked (`COMPONENT_MESSAGES`), and the severities as the shape
summaries name them (`SEVERITY_NAMES`)."""
from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")
SEVERITIES = ("Violation", "Warning", "Info")
REPORT_TEXTS: dict[str, tuple[str, str, str]] = {
    # key: (fi, sv, en)
    "title": ("SHACL-validointiraportti", "SHACL-valideringsrapport", "SHACL validation report"),
    "conforms": ("Vastaa muotoja", "Uppfyller formerna", "Conforms"),
    "not_conforms": ("Ei vastaa muotoja", "Uppfyller inte formerna", "Does not conform"),
    "Violation": ("Virhe", "Fel", "Violation"),
    "Warning": ("Varoitus", "Varning", "Warning"),
    "Info": ("Huomautus", "Information", "Info"),
    "Violations": ("Virheet", "Fel", "Violations"),
    "Warnings": ("Varoitukset", "Varningar", "Warnings"),
    "Infos": ("Huomautukset", "Informationer", "Infos"),
    "profiles": ("Profiilit", "Profiler", "Profiles"),
    "files": ("Tiedostot", "Filer", "Files"),
    "triples": ("kolmikkoa", "tripler", "triples"),
    "resource": ("Resurssi", "Resurs", "Resource"),
    "path": ("Polku", "Sökväg", "Path"),
    "value": ("Arvo", "Värde", "Value"),
    "message": ("Viesti", "Meddelande", "Message"),
    "shape": ("Muoto", "Form", "Shape"),
    "check": ("Tarkistus", "Kontroll", "Check"),
    "severity": ("Vakavuus", "Allvarlighet", "Severity"),
    "source": ("Lähde", "Källa", "Source"),
    "nothing_found": ("Ei huomautettavaa.", "Inget att anmärka.", "Nothing to report."),
    "resources_with_results": ("Resurssit, joista löytyi huomautettavaa",
                               "Resurser med anmärkningar", "Resources with findings"),
}


def in_language(texts: tuple[str, str, str], lang: str) -> str:
    """The text of a (fi, sv, en) triple in `lang`, English for any other language."""
    return texts[LANGUAGES.index(lang)] if lang in LANGUAGES else texts[2]


def report_text(key: str, lang: str) -> str:
    return in_language(REPORT_TEXTS[key], lang)


# Messages by constraint component, for shapes that have none in the language asked (the
# official DCAT-AP shapes have none at all). {x} is the shape's parameter sh:x.
COMPONENT_MESSAGES: dict[str, tuple[str, str, str]] = {
    "MinCount": ("Vähintään {minCount} arvo(a) vaaditaan", "Minst {minCount} värde(n) krävs",
                 "At least {minCount} value(s) required"),
    "MaxCount": ("Enintään {maxCount} arvo(a) sallitaan", "Högst {maxCount} värde(n) tillåts",
                 "At most {maxCount} value(s) allowed"),
    "Class": ("Arvon on oltava luokan {class} jäsen", "Värdet måste tillhöra klassen {class}",
              "The value must be an instance of {class}"),
    "Datatype": ("Arvon tietotyypin on oltava {datatype}", "Värdets datatyp måste vara {datatype}",
                 "The value must have the datatype {datatype}"),
    "NodeKind": ("Arvon lajin on oltava {nodeKind}", "Värdet måste vara av slaget {nodeKind}",
                 "The value must be of kind {nodeKind}"),
    "Pattern": ("Arvo ei vastaa mallia {pattern}", "Värdet matchar inte mönstret {pattern}",
                "The value does not match the pattern {pattern}"),
    "In": ("Arvo ei ole sallittujen arvojen joukossa", "Värdet är inte ett av de tillåtna",
           "The value is not one of the allowed values"),
    "HasValue": ("Vaadittu arvo {hasValue} puuttuu", "Det krävda värdet {hasValue} saknas",
                 "The required value {hasValue} is missing"),
    "LanguageIn": ("Arvon kielen on oltava jokin sallituista", "Värdets språk är inte tillåtet",
                   "The language of the value is not one of those allowed"),
    "UniqueLang": ("Samalla kielellä on useampi arvo", "Flera värden på samma språk",
                   "More than one value in the same language"),
    "MinLength": ("Arvo on lyhyempi kuin {minLength} merkkiä", "Värdet är kortare än {minLength} tecken",
                  "The value is shorter than {minLength} characters"),
    "MaxLength": ("Arvo on pidempi kuin {maxLength} merkkiä", "Värdet är längre än {maxLength} tecken",
                  "The value is longer than {maxLength} characters"),
    "MinInclusive": ("Arvon on oltava vähintään {minInclusive}", "Värdet måste vara minst {minInclusive}",
                     "The value must be at least {minInclusive}"),
    "MaxInclusive": ("Arvon on oltava enintään {maxInclusive}", "Värdet får vara högst {maxInclusive}",
                     "The value must be at most {maxInclusive}"),
    "MinExclusive": ("Arvon on oltava suurempi kuin {minExclusive}", "Värdet måste vara större än {minExclusive}",
                     "The value must be greater than {minExclusive}"),
    "MaxExclusive": ("Arvon on oltava pienempi kuin {maxExclusive}", "Värdet måste vara mindre än {maxExclusive}",
                     "The value must be less than {maxExclusive}"),
    "Node": ("Arvo ei täytä muotoa {node}", "Värdet uppfyller inte formen {node}",
             "The value does not conform to the shape {node}"),
    "Closed": ("Ominaisuus ei kuulu tähän (suljettu muoto)", "Egenskapen hör inte hit (sluten form)",
               "The property is not allowed here (closed shape)"),
    "Or": ("Arvo ei täytä yhtään vaihtoehdoista", "Värdet uppfyller inget av alternativen",
           "The value conforms to none of the alternatives"),
    "Xone": ("Arvon on täytettävä tasan yksi vaihtoehdoista", "Värdet måste uppfylla exakt ett alternativ",
             "The value must conform to exactly one of the alternatives"),
    "And": ("Arvo ei täytä kaikkia ehtoja", "Värdet uppfyller inte alla villkor",
            "The value does not meet every condition"),
    "Not": ("Arvo täyttää kielletyn muodon", "Värdet uppfyller en förbjuden form",
            "The value conforms to a shape it must not"),
    "QualifiedMinCount": ("Liian vähän arvoja, jotka täyttävät vaaditun muodon",
                          "För få värden som uppfyller den krävda formen",
                          "Too few values conform to the required shape"),
    "QualifiedMaxCount": ("Liian monta arvoa, jotka täyttävät rajatun muodon",
                          "För många värden som uppfyller den begränsade formen",
                          "Too many values conform to the limited shape"),
    "Equals": ("Arvot eivät ole samat kuin ominaisuudella {equals}", "Värdena är inte desamma som för {equals}",
               "The values differ from those of {equals}"),
    "Disjoint": ("Arvo on myös ominaisuuden {disjoint} arvo", "Värdet är också ett värde för {disjoint}",
                 "The value is also a value of {disjoint}"),
}


#: The severities as the shape summaries (/shapes, shapes.html) name them.
SEVERITY_NAMES = {"Violation": {"fi": "virhe", "sv": "fel", "en": "violation"},
                  "Warning": {"fi": "varoitus", "sv": "varning", "en": "warning"},
                  "Info": {"fi": "huomautus", "sv": "information", "en": "info"}}
