"""Interface texts in Finnish, Swedish and English, and labels of common external terms.

Every interface text exists in all three languages (a test reads the templates and checks);
labels of our own terms come from the ontology, these only cover terms we reuse."""
from __future__ import annotations

from publisher.vocab import (DCAT, DCTERMS, EU_LANGUAGE, FOAF, ORG, OWL, PROV, RDF, RDFS, SCHEMA,
                             SCHEMA_HTTP, SKOS, VANN, VCARD)

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
    "intro_sources": (
        "Aineisto on koottu valtiovarainministeriön hankeluettelosta sekä Kuntaliiton, Digi- ja "
        "väestötietoviraston ja valtiovarainministeriön ruotsinkielisiltä sivuilta. Jokaisesta "
        "hankkeesta näkyy, miltä lähdetekstin riveiltä sen tiedot on poimittu.",
        "Uppgifterna kommer från finansministeriets projektkatalog och från svenska sidor av "
        "Kommunförbundet, Myndigheten för digitalisering och befolkningsdata och "
        "finansministeriet. För varje projekt syns vilka rader i källtexten uppgifterna "
        "hämtats från.",
        "The data comes from the Ministry of Finance project catalogue and from Swedish pages of "
        "the Association of Finnish Municipalities, the Digital and Population Data Services "
        "Agency and the Ministry of Finance. Every project shows the lines of the source text "
        "its data was taken from."),
    "skip_to_content": ("Siirry sisältöön", "Hoppa till innehållet", "Skip to content"),
    "main_menu": ("Päävalikko", "Huvudmeny", "Main menu"),
    "home": ("Etusivu", "Startsida", "Home"),
    "projects": ("Hankkeet", "Projekt", "Projects"),
    "project": ("Hanke", "Projekt", "Project"),
    "initiative": ("Kehittämiskokonaisuus", "Initiativ", "Initiative"),
    "municipality": ("Kunta", "Kommun", "Municipality"),
    "municipalities": ("Kunnat", "Kommuner", "Municipalities"),
    "organisation": ("Organisaatio", "Organisation", "Organisation"),
    "organisations": ("Organisaatiot", "Organisationer", "Organisations"),
    "person": ("Henkilö", "Person", "Person"),
    "people": ("Henkilöt", "Personer", "People"),
    "documents": ("Lähdeasiakirjat", "Källdokument", "Source documents"),
    "document": ("Lähdeasiakirja", "Källdokument", "Source document"),
    "triples": ("Kolmikot", "Tripler", "Triples"),
    "query_editor": ("SPARQL-kyselyt", "SPARQL-frågor", "SPARQL queries"),
    "dumps": ("Lataukset", "Nedladdningar", "Downloads"),
    "catalog": ("Datakatalogi (DCAT-AP)", "Datakatalog (DCAT-AP)", "Data catalogue (DCAT-AP)"),
    "void": ("Aineiston kuvaus (VoID)", "Datamängdsbeskrivning (VoID)",
             "Dataset description (VoID)"),
    "vocabulary": ("Sanasto", "Vokabulär", "Vocabulary"),
    "shapes": ("Tietoprofiili (SHACL)", "Dataprofil (SHACL)", "Data profile (SHACL)"),
    "validate": ("Validointi", "Validering", "Validation"),
    "desc_projects": ("Kaikki hankkeet; suodata kunnan, maakunnan, tilan ja teeman mukaan.",
                      "Alla projekt; filtrera efter kommun, landskap, status och tema.",
                      "Every project; filter by municipality, region, status and theme."),
    "desc_sparql": ("Kysy mitä tahansa SPARQL-kielellä; tulokset JSON-, XML-, CSV- ja "
                    "TSV-muodossa.",
                    "Ställ frågor i SPARQL; resultat som JSON, XML, CSV och TSV.",
                    "Ask anything in SPARQL; results as JSON, XML, CSV and TSV."),
    "desc_dumps": ("Koko aineisto Turtle-, N-Triples-, JSON-LD-, RDF/XML- ja TriG-muodossa "
                   "tarkistussummineen.",
                   "Hela datamängden som Turtle, N-Triples, JSON-LD, RDF/XML och TriG med "
                   "kontrollsummor.",
                   "The whole dataset as Turtle, N-Triples, JSON-LD, RDF/XML and TriG, with "
                   "checksums."),
    "desc_catalog": ("Aineiston kuvailu DCAT-AP 3 -muodossa avoimen datan portaaleille.",
                     "Datamängden beskriven enligt DCAT-AP 3 för öppna dataportaler.",
                     "The dataset described in DCAT-AP 3 for open-data portals."),
    "desc_void": ("Aineiston tilastot ja rakenne VoID-sanastolla.",
                  "Datamängdens statistik och struktur med VoID.",
                  "Statistics and structure of the dataset in VoID."),
    "desc_vocabulary": ("Luokat, ominaisuudet ja käsitteistöt suomeksi, ruotsiksi ja "
                        "englanniksi.",
                        "Klasser, egenskaper och begreppsscheman på finska, svenska och "
                        "engelska.",
                        "Classes, properties and concept schemes in Finnish, Swedish and "
                        "English."),
    "desc_shapes": ("SHACL-muodot, joihin aineisto tarkistetaan ennen julkaisua.",
                    "SHACL-former som datamängden kontrolleras mot före publicering.",
                    "The SHACL shapes the data is checked against before it is published."),
    "desc_validate": ("Tarkista oma RDF-aineistosi näitä muotoja vasten.",
                      "Kontrollera dina egna RDF-data mot dessa former.",
                      "Check your own RDF data against these shapes."),
    "desc_json": ("Jokainen sivu on saatavilla myös JSON-muodossa: lisää osoitteeseen .json "
                  "tai pyydä Accept: application/json. Resurssien sivut myös Turtle-, JSON-LD-, "
                  "RDF/XML- ja N-Triples-muodossa.",
                  "Varje sida finns också som JSON: lägg till .json i adressen eller begär "
                  "Accept: application/json. Resurssidorna även som Turtle, JSON-LD, RDF/XML "
                  "och N-Triples.",
                  "Every page is also available as JSON: add .json to the address or ask for "
                  "Accept: application/json. Resource pages also as Turtle, JSON-LD, RDF/XML "
                  "and N-Triples."),
    "for_data_users": ("Datan käyttäjille", "För dataanvändare", "For data users"),
    "browse_themes": ("Hankkeet teemoittain", "Projekt per tema", "Projects by theme"),
    "browse_status": ("Hankkeet tilan mukaan", "Projekt per status", "Projects by status"),
    "source_texts": ("Lähdetekstit", "Källtexter", "Source texts"),
    "release": ("Julkaisu", "Version", "Release"),
    "built": ("Koottu", "Byggd", "Built"),
    "base_uri": ("Perus-URI", "Bas-URI", "Base URI"),
    "store": ("Tietovarasto", "Datalager", "Store"),
    "status": ("Tila", "Status", "Status"),
    "region": ("Maakunta", "Landskap", "Region"),
    "theme": ("Teema", "Tema", "Theme"),
    "programme": ("Rahoitusohjelma", "Finansieringsprogram", "Funding programme"),
    "funder": ("Rahoittaja", "Finansiär", "Funder"),
    "kind": ("Laji", "Typ", "Kind"),
    "all": ("Kaikki", "Alla", "All"),
    "filter": ("Suodata", "Filtrera", "Filter"),
    "search": ("Nimessä", "Namnet innehåller", "Name contains"),
    "clear_filters": ("Poista suodattimet", "Rensa filter", "Clear filters"),
    "active_filters": ("Valitut ehdot", "Valda villkor", "Active filters"),
    "remove_filter": ("Poista ehto: {name}", "Ta bort villkoret: {name}", "Remove filter: {name}"),
    "no_projects": ("Ei hankkeita näillä ehdoilla.", "Inga projekt med dessa villkor.",
                    "No projects match."),
    "count_projects": ("hanketta", "projekt", "projects"),
    "count_municipalities": ("kuntaa mukana hankkeissa", "kommuner med i projekten",
                             "municipalities in the projects"),
    "count_organisations": ("muuta organisaatiota", "andra organisationer",
                            "other organisations"),
    "count_people": ("yhteyshenkilöä", "kontaktpersoner", "contact people"),
    "count_documents": ("lähdetekstiä", "källtexter", "source texts"),
    "count_triples": ("kolmikkoa", "tripler", "triples"),
    "showing": ("Näytetään {first}–{last} / {count}", "Visar {first}–{last} av {count}",
                "Showing {first}–{last} of {count}"),
    "page_of": ("Sivu {page} / {pages}", "Sida {page} av {pages}", "Page {page} of {pages}"),
    "previous": ("Edellinen", "Föregående", "Previous"),
    "next": ("Seuraava", "Nästa", "Next"),
    "paging": ("Sivutus", "Sidindelning", "Pages"),
    "this_as_json": ("Tämä näkymä JSON-muodossa", "Den här vyn som JSON", "This view as JSON"),
    "lead": ("Päävastuullinen kunta", "Huvudansvarig kommun", "Lead municipality"),
    "lead_organisation": ("Päävastuullinen organisaatio", "Huvudansvarig organisation",
                          "Lead organisation"),
    "lead_projects": ("Hankkeet, joita kunta johtaa", "Projekt som kommunen leder",
                      "Projects led by the municipality"),
    "partner_projects": ("Hankkeet, joissa kunta on mukana", "Projekt där kommunen deltar",
                         "Projects the municipality takes part in"),
    "org_lead_projects": ("Hankkeet, joita organisaatio johtaa",
                          "Projekt som organisationen leder",
                          "Projects led by the organisation"),
    "org_partner_projects": ("Hankkeet, joissa organisaatio on mukana",
                             "Projekt där organisationen deltar",
                             "Projects the organisation takes part in"),
    "partners": ("Kumppanikunnat", "Partnerkommuner", "Partner municipalities"),
    "partner_organisations": ("Muut kumppanit", "Andra partner", "Other partners"),
    "contacts": ("Yhteyshenkilöt", "Kontaktpersoner", "Contacts"),
    "contact_for": ("Yhteyshenkilönä", "Kontaktperson för", "Contact for"),
    "members": ("Henkilöt", "Personer", "People"),
    "role": ("Tehtävä", "Roll", "Role"),
    "email": ("Sähköposti", "E-post", "Email"),
    "telephone": ("Puhelin", "Telefon", "Telephone"),
    "links": ("Linkit", "Länkar", "Links"),
    "sections": ("Osiot", "Avsnitt", "Sections"),
    "description": ("Kuvaus", "Beskrivning", "Description"),
    "other_languages": ("Muilla kielillä", "På andra språk", "In other languages"),
    "themes": ("Teemat", "Teman", "Themes"),
    "theme_why": ("Miksi tämä teema?", "Varför detta tema?", "Why this theme?"),
    "theme_rule": ("Sääntö", "Regel", "Rule"),
    "matched_words": ("Osuneet sanat", "Träffade ord", "Matched words"),
    "catalogue_number": ("Numero luettelossa", "Nummer i katalogen", "Number in the catalogue"),
    "dates": ("Ajankohta", "Tidpunkt", "Dates"),
    "calls": ("Haut", "Utlysningar", "Calls"),
    "funded_projects": ("Rahoitetut hankkeet", "Finansierade projekt", "Funded projects"),
    "show_in_list": ("Näytä hankeluettelossa", "Visa i projektlistan",
                     "Show in the list of projects"),
    "source": ("Lähde", "Källa", "Source"),
    "source_intro": ("Tiedot on poimittu näistä lähdetekstin kohdista.",
                     "Uppgifterna har hämtats från dessa ställen i källtexten.",
                     "The data was taken from these places in the source text."),
    "source_span": ("rivit {first}–{last}", "raderna {first}–{last}", "lines {first}–{last}"),
    "source_line": ("rivi {first}", "rad {first}", "line {first}"),
    "source_text": ("Lähdeteksti", "Källtext", "Source text"),
    "text_partial": ("Näytetään ne lähdetekstin rivit, joilta tietoja on poimittu.",
                     "Visar de rader i källtexten som uppgifter hämtats från.",
                     "Showing the lines of the source text that data was taken from."),
    "lines_left_out": ("… rivit {first}–{last} eivät ole aineistossa …",
                       "… raderna {first}–{last} ingår inte i data …",
                       "… lines {first}–{last} are not in the data …"),
    "line_left_out": ("… rivi {first} ei ole aineistossa …", "… rad {first} ingår inte i data …",
                      "… line {first} is not in the data …"),
    "derived_here": ("Tästä lähteestä poimitut tiedot", "Uppgifter hämtade ur denna källa",
                     "Data taken from this source"),
    "lines": ("Rivit", "Rader", "Lines"),
    "resource": ("Kohde", "Resurs", "Resource"),
    "code": ("Kuntanumero", "Kommunnummer", "Municipality code"),
    "codelist": ("Koodistossa", "I kodlistan", "In the code list"),
    "names": ("Nimet", "Namn", "Names"),
    "alt_labels": ("Vaihtoehtoiset nimet", "Alternativa namn", "Alternative names"),
    "properties": ("Muut tiedot", "Övriga uppgifter", "Other data"),
    "inverse": ("Viittaukset tähän", "Hänvisningar hit", "Referenced by"),
    "show_all": ("Näytä kaikki ({count})", "Visa alla ({count})", "Show all ({count})"),
    "types": ("Tyyppi", "Typ", "Type"),
    "identifier": ("Tunniste", "Identifierare", "Identifier"),
    "formats": ("Muut muodot", "Andra format", "Other formats"),
    "contents": ("Sisältö", "Innehåll", "Contents"),
    "classes": ("Luokat", "Klasser", "Classes"),
    "object_properties": ("Ominaisuudet", "Egenskaper", "Properties"),
    "properties_of_class": ("Tämän luokan ominaisuudet", "Klassens egenskaper",
                            "Properties of this class"),
    "properties_to_class": ("Ominaisuudet, joiden arvo on tätä luokkaa",
                            "Egenskaper med värden i klassen",
                            "Properties whose values are in this class"),
    "subclasses": ("Alaluokat", "Underklasser", "Subclasses"),
    "concepts": ("Käsitteet", "Begrepp", "Concepts"),
    "concept": ("Käsite", "Begrepp", "Concept"),
    "concept_schemes": ("Käsitteistöt", "Begreppsscheman", "Concept schemes"),
    "concept_scheme": ("Käsitteistö", "Begreppsschema", "Concept scheme"),
    "broader": ("Laajemmat käsitteet", "Överordnade begrepp", "Broader concepts"),
    "narrower": ("Suppeammat käsitteet", "Underordnade begrepp", "Narrower concepts"),
    "related": ("Liittyvät käsitteet", "Relaterade begrepp", "Related concepts"),
    "mappings": ("Vastineet muissa sanastoissa", "Motsvarigheter i andra vokabulärer",
                 "Matches in other vocabularies"),
    "notation": ("Koodi", "Kod", "Code"),
    "other_initiatives": ("Muut kehittämiskokonaisuudet", "Andra initiativ",
                          "Other initiatives"),
    "definition": ("Määritelmä", "Definition", "Definition"),
    "domain": ("Kohde", "Domän", "Domain"),
    "range": ("Arvoalue", "Värdemängd", "Range"),
    "subclass_of": ("Yläluokka", "Överklass", "Subclass of"),
    "term": ("Termi", "Term", "Term"),
    "namespace": ("Nimiavaruus", "Namnrymd", "Namespace"),
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
    "error_help": ("Tarkista osoite tai aloita etusivulta tai hankeluettelosta.",
                   "Kontrollera adressen eller börja från startsidan eller projektlistan.",
                   "Check the address, or start from the home page or the list of projects."),
    "error_400": ("Virheellinen pyyntö", "Felaktig begäran", "Bad request"),
    "error_404": ("Sivua ei löytynyt", "Sidan hittades inte", "Not found"),
    "error_405": ("Menetelmä ei ole sallittu", "Metoden är inte tillåten", "Method not allowed"),
    "error_406": ("Pyydettyä muotoa ei ole saatavilla", "Det begärda formatet finns inte",
                  "Not acceptable"),
    "error_413": ("Pyyntö on liian suuri", "Begäran är för stor", "Request too large"),
    "error_414": ("Osoite on liian pitkä", "Adressen är för lång", "URL too long"),
    "error_500": ("Palvelinvirhe", "Serverfel", "Server error"),
    "error_502": ("Tietovarasto ei vastannut", "Datalagret svarade inte",
                  "The data store did not answer"),
    "error_503": ("Palvelu ei ole juuri nyt käytettävissä", "Tjänsten är inte tillgänglig just nu",
                  "Service unavailable"),
    "no_release": ("Julkaisua ei ole vielä koottu.", "Ingen version har byggts ännu.",
                   "No release has been built yet."),
    "read_only": ("Vain luku", "Endast läsning", "Read only"),
    "example_projects": ("Hankkeet ja niiden päävastuulliset kunnat",
                         "Projekt och huvudansvariga kommuner",
                         "Projects and their lead municipalities"),
    "example_municipalities": ("Kunnat, joilla on eniten hankkeita",
                               "Kommuner med flest projekt",
                               "Municipalities with the most projects"),
    "example_status": ("Hankkeet tilan mukaan", "Projekt per status", "Projects by status"),
    "example_describe": ("Yhden hankkeen kuvaus (CONSTRUCT)",
                         "Ett projekts beskrivning (CONSTRUCT)",
                         "One project's description (CONSTRUCT)"),
    "example_graphs": ("Nimetyt graafit", "Namngivna grafer", "Named graphs"),
}


def has_text(key: str) -> bool:
    return key in _TEXTS


def text(key: str, lang: str, /, **values: object) -> str:
    """The interface text `key` in `lang` (English if the key has no such language)."""
    row = _TEXTS.get(key)
    if row is None:
        return key
    value = row[LANGUAGES.index(lang)] if lang in LANGUAGES else row[2]
    return value.format(**values) if values else value


def error_title(status: int, lang: str) -> str | None:
    """A translated title for an HTTP error status, None for statuses without one."""
    key = f"error_{status}"
    return text(key, lang) if key in _TEXTS else None


# Labels of external terms that appear on the pages (own terms take theirs from the ontology).
_TERMS: dict[str, tuple[str, str, str]] = {
    # classes
    SKOS + "Concept": ("käsite", "begrepp", "concept"),
    SKOS + "ConceptScheme": ("käsitteistö", "begreppsschema", "concept scheme"),
    ORG + "Organization": ("organisaatio", "organisation", "organisation"),
    VCARD + "Individual": ("henkilö", "person", "person"),
    VCARD + "Kind": ("yhteystieto", "kontakt", "contact"),
    FOAF + "Document": ("asiakirja", "dokument", "document"),
    FOAF + "Agent": ("toimija", "aktör", "agent"),
    SCHEMA_HTTP + "WebPage": ("verkkosivu", "webbsida", "web page"),
    SCHEMA_HTTP + "Article": ("artikkeli", "artikel", "article"),
    SCHEMA_HTTP + "BlogPosting": ("blogikirjoitus", "blogginlägg", "blog post"),
    PROV + "Derivation": ("lähdeviite", "källhänvisning", "derivation"),
    PROV + "Activity": ("toiminto", "aktivitet", "activity"),
    PROV + "Entity": ("entiteetti", "entitet", "entity"),
    PROV + "SoftwareAgent": ("ohjelmisto", "programvara", "software agent"),
    OWL + "Class": ("luokka", "klass", "class"),
    OWL + "ObjectProperty": ("objektiominaisuus", "objektegenskap", "object property"),
    OWL + "DatatypeProperty": ("tietotyyppiominaisuus", "dataegenskap", "datatype property"),
    OWL + "AnnotationProperty": ("annotaatio-ominaisuus", "annoteringsegenskap",
                                 "annotation property"),
    OWL + "FunctionalProperty": ("funktionaalinen ominaisuus", "funktionell egenskap",
                                 "functional property"),
    OWL + "Ontology": ("ontologia", "ontologi", "ontology"),
    RDF + "Property": ("ominaisuus", "egenskap", "property"),
    # properties
    RDF + "type": ("tyyppi", "typ", "type"),
    RDFS + "label": ("nimike", "etikett", "label"),
    RDFS + "comment": ("kommentti", "kommentar", "comment"),
    RDFS + "subClassOf": ("yläluokka", "överklass", "subclass of"),
    RDFS + "subPropertyOf": ("yläominaisuus", "överordnad egenskap", "subproperty of"),
    RDFS + "domain": ("kohde", "domän", "domain"),
    RDFS + "range": ("arvoalue", "värdemängd", "range"),
    RDFS + "isDefinedBy": ("määritelty", "definierad i", "defined by"),
    RDFS + "seeAlso": ("katso myös", "se även", "see also"),
    OWL + "imports": ("tuo sanaston", "importerar", "imports"),
    OWL + "versionIRI": ("version IRI", "versionens IRI", "version IRI"),
    OWL + "versionInfo": ("versio", "version", "version"),
    SKOS + "prefLabel": ("nimi", "namn", "preferred label"),
    SKOS + "altLabel": ("vaihtoehtoinen nimi", "alternativt namn", "alternative label"),
    SKOS + "definition": ("määritelmä", "definition", "definition"),
    SKOS + "note": ("huomautus", "anmärkning", "note"),
    SKOS + "scopeNote": ("käyttöhuomautus", "användningsanmärkning", "scope note"),
    SKOS + "inScheme": ("käsitteistö", "begreppsschema", "in scheme"),
    SKOS + "topConceptOf": ("käsitteistön ylin käsite", "toppbegrepp i", "top concept of"),
    SKOS + "hasTopConcept": ("ylimmän tason käsite", "toppbegrepp", "top concept"),
    SKOS + "broader": ("laajempi käsite", "överordnat begrepp", "broader"),
    SKOS + "narrower": ("suppeampi käsite", "underordnat begrepp", "narrower"),
    SKOS + "related": ("liittyvä käsite", "relaterat begrepp", "related"),
    SKOS + "broadMatch": ("laajempi vastine", "bredare motsvarighet", "broad match"),
    SKOS + "narrowMatch": ("suppeampi vastine", "smalare motsvarighet", "narrow match"),
    SKOS + "closeMatch": ("läheinen vastine", "nära motsvarighet", "close match"),
    SKOS + "exactMatch": ("täsmällinen vastine", "exakt motsvarighet", "exact match"),
    SKOS + "relatedMatch": ("liittyvä vastine", "relaterad motsvarighet", "related match"),
    SKOS + "notation": ("koodi", "kod", "notation"),
    DCTERMS + "title": ("otsikko", "titel", "title"),
    DCTERMS + "description": ("kuvaus", "beskrivning", "description"),
    DCTERMS + "identifier": ("tunniste", "identifierare", "identifier"),
    DCTERMS + "language": ("kieli", "språk", "language"),
    DCTERMS + "subject": ("aihe", "ämne", "subject"),
    DCTERMS + "publisher": ("julkaisija", "utgivare", "publisher"),
    DCTERMS + "creator": ("tekijä", "skapare", "creator"),
    DCTERMS + "extent": ("laajuus", "omfång", "extent"),
    DCTERMS + "modified": ("muokattu", "ändrad", "modified"),
    DCTERMS + "issued": ("julkaistu", "utgiven", "issued"),
    DCTERMS + "date": ("päivämäärä", "datum", "date"),
    DCTERMS + "isPartOf": ("osa kokonaisuutta", "del av", "is part of"),
    DCTERMS + "hasPart": ("osa", "har del", "has part"),
    DCTERMS + "license": ("lisenssi", "licens", "licence"),
    DCTERMS + "source": ("lähde", "källa", "source"),
    DCAT + "contactPoint": ("yhteyshenkilö", "kontaktperson", "contact point"),
    FOAF + "page": ("verkkosivu", "webbsida", "web page"),
    FOAF + "name": ("nimi", "namn", "name"),
    PROV + "wasDerivedFrom": ("lähde", "källa", "derived from"),
    PROV + "qualifiedDerivation": ("lähdeviite", "källhänvisning", "derivation"),
    PROV + "wasGeneratedBy": ("tuotettu", "genererad av", "generated by"),
    PROV + "entity": ("lähde", "källa", "entity"),
    PROV + "used": ("käytti", "använde", "used"),
    PROV + "wasAssociatedWith": ("toteuttaja", "associerad med", "associated with"),
    PROV + "startedAtTime": ("alkoi", "startade", "started at"),
    PROV + "endedAtTime": ("päättyi", "slutade", "ended at"),
    VCARD + "fn": ("nimi", "namn", "name"),
    VCARD + "organization-name": ("organisaatio", "organisation", "organisation"),
    VCARD + "hasEmail": ("sähköposti", "e-post", "email"),
    VCARD + "hasTelephone": ("puhelin", "telefon", "telephone"),
    VCARD + "hasURL": ("verkkosivu", "webbadress", "web address"),
    VCARD + "role": ("tehtävä", "roll", "role"),
    ORG + "memberOf": ("organisaatio", "organisation", "member of"),
    SCHEMA_HTTP + "about": ("aihe", "handlar om", "about"),
    SCHEMA_HTTP + "author": ("kirjoittaja", "författare", "author"),
    SCHEMA_HTTP + "startDate": ("alkaa", "startdatum", "start date"),
    SCHEMA_HTTP + "endDate": ("päättyy", "slutdatum", "end date"),
    SCHEMA_HTTP + "funder": ("rahoittaja", "finansiär", "funder"),
    SCHEMA_HTTP + "funding": ("rahoitus", "finansiering", "funding"),
    SCHEMA_HTTP + "genre": ("laji", "genre", "genre"),
    SCHEMA_HTTP + "keywords": ("avainsanat", "nyckelord", "keywords"),
    SCHEMA_HTTP + "knowsAbout": ("asiantuntemus", "sakkunskap", "knows about"),
    SCHEMA_HTTP + "unitText": ("yksikkö", "enhet", "unit"),
    SCHEMA_HTTP + "value": ("arvo", "värde", "value"),
    SCHEMA_HTTP + "name": ("nimi", "namn", "name"),
    VANN + "preferredNamespacePrefix": ("suositeltu etuliite", "rekommenderat prefix",
                                        "preferred namespace prefix"),
    VANN + "preferredNamespaceUri": ("nimiavaruus", "namnrymd", "namespace"),
    # languages of the EU authority list that the texts are written in
    EU_LANGUAGE + "FIN": ("suomi", "finska", "Finnish"),
    EU_LANGUAGE + "SWE": ("ruotsi", "svenska", "Swedish"),
    EU_LANGUAGE + "ENG": ("englanti", "engelska", "English"),
}


def _with_https_schema(terms: dict[str, tuple[str, str, str]]) -> dict[str, tuple[str, str, str]]:
    """schema.org terms are written with both http and https in the wild."""
    extra = {SCHEMA + iri[len(SCHEMA_HTTP):]: row for iri, row in terms.items()
             if iri.startswith(SCHEMA_HTTP)}
    return {**terms, **extra}


TERM_LABELS: dict[str, tuple[str, str, str]] = _with_https_schema(_TERMS)


def term_label(iri: str, lang: str) -> str | None:
    row = TERM_LABELS.get(iri)
    if row is None:
        return None
    return row[LANGUAGES.index(lang)] if lang in LANGUAGES else row[2]
