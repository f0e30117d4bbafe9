"""Interface texts in Finnish, Swedish and English, and labels of common external terms."""
from __future__ import annotations

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"
LANGUAGE_NAMES = {"fi": "suomi", "sv": "svenska", "en": "English"}

_TEXTS: dict[str, tuple[str, str, str]] = {
    # key: (fi, sv, en)
    "site": ("Kuntadigi – kuntien digitalisaatiohankkeet linkitettynä datana",
             "Kuntadigi – kommunernas digitaliseringsprojekt som länkade data",
             "Kuntadigi – municipal digitalisation projects as linked data"),
    "site_short": ("Kuntadigi", "Kuntadigi", "Kuntadigi"),
    "intro": ("Tämä palvelu julkaisee valtiovarainministeriön kannustinjärjestelmän kuntien "
              "digitalisaatiohankkeet linkitettynä avoimena datana yhteentoimivuusalustan "
              "koodistoihin linkitettynä.",
              "Tjänsten publicerar kommunernas digitaliseringsprojekt i finansministeriets "
              "incitamentsystem som länkade öppna data, kopplade till "
              "interoperabilitetsplattformens kodlistor.",
              "This service publishes the municipal digitalisation projects of the Ministry of "
              "Finance incentive scheme as linked open data, linked to the code lists of the "
              "national interoperability platform."),
    "home": ("Etusivu", "Startsida", "Home"),
    "projects": ("Hankkeet", "Projekt", "Projects"),
    "project": ("Hanke", "Projekt", "Project"),
    "municipality": ("Kunta", "Kommun", "Municipality"),
    "municipalities": ("Kunnat", "Kommuner", "Municipalities"),
    "documents": ("Lähdeasiakirjat", "Källdokument", "Source documents"),
    "triples": ("Kolmikot", "Tripler", "Triples"),
    "query_editor": ("SPARQL-kyselyt", "SPARQL-frågor", "SPARQL queries"),
    "dumps": ("Lataukset", "Nedladdningar", "Downloads"),
    "catalog": ("Datakatalogi (DCAT-AP)", "Datakatalog (DCAT-AP)", "Data catalogue (DCAT-AP)"),
    "void": ("Aineiston kuvaus (VoID)", "Datamängdsbeskrivning (VoID)", "Dataset description (VoID)"),
    "vocabulary": ("Sanasto", "Vokabulär", "Vocabulary"),
    "shapes": ("Tietoprofiili (SHACL)", "Dataprofil (SHACL)", "Data profile (SHACL)"),
    "release": ("Julkaisu", "Version", "Release"),
    "built": ("Koottu", "Byggd", "Built"),
    "status": ("Tila", "Status", "Status"),
    "region": ("Maakunta", "Landskap", "Region"),
    "all": ("Kaikki", "Alla", "All"),
    "filter": ("Suodata", "Filtrera", "Filter"),
    "clear_filters": ("Poista suodattimet", "Rensa filter", "Clear filters"),
    "no_projects": ("Ei hankkeita näillä ehdoilla.", "Inga projekt med dessa villkor.",
                    "No projects match."),
    "count_projects": ("hanketta", "projekt", "projects"),
    "lead": ("Päävastuullinen kunta", "Huvudansvarig kommun", "Lead municipality"),
    "lead_projects": ("Hankkeet, joita kunta johtaa", "Projekt som kommunen leder",
                      "Projects led by the municipality"),
    "partner_projects": ("Hankkeet, joissa kunta on mukana", "Projekt där kommunen deltar",
                         "Projects the municipality takes part in"),
    "partners": ("Kumppanikunnat", "Partnerkommuner", "Partner municipalities"),
    "partner_organisations": ("Muut kumppanit", "Andra partner", "Other partners"),
    "contacts": ("Yhteyshenkilöt", "Kontaktpersoner", "Contacts"),
    "links": ("Linkit", "Länkar", "Links"),
    "sections": ("Osiot", "Avsnitt", "Sections"),
    "description": ("Kuvaus", "Beskrivning", "Description"),
    "themes": ("Teemat", "Teman", "Themes"),
    "catalogue_number": ("Numero luettelossa", "Nummer i katalogen", "Number in the catalogue"),
    "source": ("Lähde", "Källa", "Source"),
    "source_span": ("rivit {first}–{last}", "raderna {first}–{last}", "lines {first}–{last}"),
    "source_text": ("Lähdeteksti", "Källtext", "Source text"),
    "code": ("Kuntanumero", "Kommunnummer", "Municipality code"),
    "codelist": ("Koodistossa", "I kodlistan", "In the code list"),
    "names": ("Nimet", "Namn", "Names"),
    "properties": ("Ominaisuudet", "Egenskaper", "Properties"),
    "inverse": ("Viittaukset tähän", "Hänvisningar hit", "Referenced by"),
    "types": ("Tyyppi", "Typ", "Type"),
    "identifier": ("Tunniste", "Identifierare", "Identifier"),
    "formats": ("Muut muodot", "Andra format", "Other formats"),
    "classes": ("Luokat", "Klasser", "Classes"),
    "object_properties": ("Ominaisuudet", "Egenskaper", "Properties"),
    "concepts": ("Käsitteet", "Begrepp", "Concepts"),
    "definition": ("Määritelmä", "Definition", "Definition"),
    "domain": ("Kohde", "Domän", "Domain"),
    "range": ("Arvoalue", "Värdemängd", "Range"),
    "subclass_of": ("Yläluokka", "Överklass", "Subclass of"),
    "term": ("Termi", "Term", "Term"),
    "file": ("Tiedosto", "Fil", "File"),
    "size": ("Koko", "Storlek", "Size"),
    "media_type": ("Mediatyyppi", "Medietyp", "Media type"),
    "checksum": ("SHA-256", "SHA-256", "SHA-256"),
    "versions": ("Julkaisut", "Versioner", "Releases"),
    "latest": ("uusin", "senaste", "latest"),
    "fallback": ("Ei saatavilla valitulla kielellä; näytetään kielellä {other}.",
                 "Inte tillgängligt på valt språk; visas på {other}.",
                 "Not available in the chosen language; shown in {other}."),
    "language": ("Kieli", "Språk", "Language"),
    "examples": ("Esimerkkikyselyt", "Exempelfrågor", "Example queries"),
    "editor_missing": (
        "Kyselyeditorin tiedostot puuttuvat (asenna ne komennolla npm ci). "
        "Alla oleva lomake lähettää kyselyn suoraan.",
        "Frågeeditorns filer saknas (installera dem med npm ci). "
        "Formuläret nedan skickar frågan direkt.",
        "The query editor's files are missing (install them with npm ci). "
        "The form below sends the query directly."),
    "run_query": ("Suorita", "Kör", "Run query"),
    "endpoint": ("Rajapinta", "Ändpunkt", "Endpoint"),
    "limits": ("aikaraja {seconds} s, enintään {rows} tulosriviä",
               "tidsgräns {seconds} s, högst {rows} resultatrader",
               "time limit {seconds} s, at most {rows} result rows"),
    "not_found": ("Ei löytynyt", "Hittades inte", "Not found"),
    "error": ("Virhe", "Fel", "Error"),
    "no_release": ("Julkaisua ei ole vielä koottu.", "Ingen version har byggts ännu.",
                   "No release has been built yet."),
    "read_only": ("Vain luku", "Endast läsning", "Read only"),
    "example_projects": ("Hankkeet ja niiden päävastuulliset kunnat",
                         "Projekt och huvudansvariga kommuner", "Projects and their lead municipalities"),
    "example_municipalities": ("Kunnat, joilla on eniten hankkeita",
                               "Kommuner med flest projekt", "Municipalities with the most projects"),
    "example_status": ("Hankkeet tilan mukaan", "Projekt per status", "Projects by status"),
    "example_describe": ("Yhden hankkeen kuvaus (CONSTRUCT)", "Ett projekts beskrivning (CONSTRUCT)",
                         "One project's description (CONSTRUCT)"),
    "example_graphs": ("Nimetyt graafit", "Namngivna grafer", "Named graphs"),
}


def text(key: str, lang: str, /, **values: object) -> str:
    """The interface text `key` in `lang` (English if the key has no such language)."""
    row = _TEXTS.get(key)
    if row is None:
        return key
    value = row[LANGUAGES.index(lang)] if lang in LANGUAGES else row[2]
    return value.format(**values) if values else value


# Labels of external terms that appear on the pages (own terms take theirs from the ontology).
TERM_LABELS: dict[str, tuple[str, str, str]] = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": ("tyyppi", "typ", "type"),
    "http://www.w3.org/2000/01/rdf-schema#label": ("nimike", "etikett", "label"),
    "http://www.w3.org/2000/01/rdf-schema#comment": ("kommentti", "kommentar", "comment"),
    "http://www.w3.org/2000/01/rdf-schema#subClassOf": ("yläluokka", "överklass", "subclass of"),
    "http://www.w3.org/2000/01/rdf-schema#domain": ("kohde", "domän", "domain"),
    "http://www.w3.org/2000/01/rdf-schema#range": ("arvoalue", "värdemängd", "range"),
    "http://www.w3.org/2000/01/rdf-schema#isDefinedBy": ("määritelty", "definierad i", "defined by"),
    "http://www.w3.org/2004/02/skos/core#prefLabel": ("nimi", "namn", "preferred label"),
    "http://www.w3.org/2004/02/skos/core#altLabel": ("vaihtoehtoinen nimi", "alternativt namn", "alternative label"),
    "http://www.w3.org/2004/02/skos/core#definition": ("määritelmä", "definition", "definition"),
    "http://www.w3.org/2004/02/skos/core#inScheme": ("sanasto", "begreppsschema", "in scheme"),
    "http://www.w3.org/2004/02/skos/core#topConceptOf": ("sanaston yläkäsite", "toppbegrepp i", "top concept of"),
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": ("yläkäsite", "toppbegrepp", "top concept"),
    "http://www.w3.org/2004/02/skos/core#broader": ("laajempi käsite", "överordnat begrepp", "broader"),
    "http://www.w3.org/2004/02/skos/core#narrower": ("suppeampi käsite", "underordnat begrepp", "narrower"),
    "http://www.w3.org/2004/02/skos/core#notation": ("koodi", "kod", "notation"),
    "http://purl.org/dc/terms/title": ("otsikko", "titel", "title"),
    "http://purl.org/dc/terms/description": ("kuvaus", "beskrivning", "description"),
    "http://purl.org/dc/terms/identifier": ("tunniste", "identifierare", "identifier"),
    "http://purl.org/dc/terms/language": ("kieli", "språk", "language"),
    "http://purl.org/dc/terms/subject": ("aihe", "ämne", "subject"),
    "http://purl.org/dc/terms/publisher": ("julkaisija", "utgivare", "publisher"),
    "http://purl.org/dc/terms/extent": ("laajuus", "omfång", "extent"),
    "http://purl.org/dc/terms/modified": ("muokattu", "ändrad", "modified"),
    "http://purl.org/dc/terms/issued": ("julkaistu", "utgiven", "issued"),
    "http://www.w3.org/ns/dcat#contactPoint": ("yhteyshenkilö", "kontaktperson", "contact point"),
    "http://xmlns.com/foaf/0.1/page": ("verkkosivu", "webbsida", "web page"),
    "http://www.w3.org/ns/prov#wasDerivedFrom": ("lähde", "källa", "derived from"),
    "http://www.w3.org/ns/prov#qualifiedDerivation": ("lähdeviite", "källhänvisning", "derivation"),
    "http://www.w3.org/ns/prov#wasGeneratedBy": ("tuotettu", "genererad av", "generated by"),
    "http://www.w3.org/ns/prov#entity": ("lähde", "källa", "entity"),
    "http://www.w3.org/2006/vcard/ns#fn": ("nimi", "namn", "name"),
    "http://www.w3.org/2006/vcard/ns#organization-name": ("organisaatio", "organisation", "organisation"),
    "http://www.w3.org/2006/vcard/ns#hasEmail": ("sähköposti", "e-post", "email"),
    "http://www.w3.org/2006/vcard/ns#hasTelephone": ("puhelin", "telefon", "telephone"),
}


def term_label(iri: str, lang: str) -> str | None:
    row = TERM_LABELS.get(iri)
    if row is None:
        return None
    return row[LANGUAGES.index(lang)] if lang in LANGUAGES else row[2]
