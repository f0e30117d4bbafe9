"""A release whose data holds markup, scripts, javascript: links and very long names, for the
tests that prove everything from the data is escaped and nothing of it runs."""
from __future__ import annotations

from pathlib import Path

from tests.support.release import BASE, make_settings, write_release

LONG_NAME = "Pitkänimisenkuntayhtymänhallintokeskuksenpalvelualueenkehittämisyksikönjaosto" * 2

HOSTILE = """
<{base}graph/hostile> {{
  <{base}id/project/hostile> a kd:Project ;
    dcterms:title "<script>alert('title')</script> Vaarallinen \\"hanke\\" & <b>lihava</b>"@fi ;
    rdfs:label "<script>alert('title')</script> Vaarallinen \\"hanke\\" & <b>lihava</b>"@fi ;
    dcterms:description "Kuvaus <img src=x onerror=alert(1)> ja <a href='javascript:alert(2)'>linkki</a>\\n- <i>kohta</i>\\n- toinen\\n\\n</div></main><script>alert(3)</script>"@fi ;
    kd:catalogueNumber 7 ; kd:status <{base}id/status/ongoing> ;
    kd:leadOrganisation <{base}id/organisation/998> ;
    kd:partnerMunicipality <{base}id/organisation/049> ;
    foaf:page <javascript:alert(4)>, <data:text/html,alert(5)>, <https://example.org/a?b=1&c=%3Cx%3E> ;
    dcat:contactPoint <{base}id/person/eve> ;
    dcterms:subject <{base}id/theme/onlyenglish> ;
    prov:wasDerivedFrom <{base}id/document/004-f0ab20c46da3f21c> ;
    prov:qualifiedDerivation <{base}id/project/hostile#derivation> .
  <{base}id/project/hostile#derivation> a prov:Derivation ;
    prov:entity <{base}id/document/004-f0ab20c46da3f21c> ; kd:firstLine 1 ; kd:lastLine 2 ;
    kd:sourceText "<script>alert(6)</script>\\n<style>body{{display:none}}</style>" .
  <{base}id/project/{long_key}> a kd:Project ; dcterms:title "{long}"@fi ;
    kd:status <{base}id/status/ended> ; kd:leadOrganisation <{base}id/organisation/998> .
  <{base}id/organisation/998> a org:Organization, kd:Municipality ;
    skos:prefLabel "{long}"@fi ; dcterms:identifier "998" ;
    kd:municipalityCode <javascript:alert(7)> ;
    kd:region <http://uri.suomi.fi/codelist/jhs/maakunta_1_20240101/code/01> .
  <{base}id/person/eve> a vcard:Individual ; vcard:fn "Eve <i onmouseover=alert(8)>Evil</i>" ;
    vcard:organization-name "</dd><script>alert(9)</script>"@fi ;
    vcard:hasEmail <javascript:alert(10)> ; vcard:hasTelephone "<script>alert(11)</script>" .
  <{base}id/theme/onlyenglish> a skos:Concept ; skos:prefLabel "Only <em>in</em> English"@en ;
    skos:definition "Defined \\"only\\" in English."@en .
}}
"""


def write_hostile_release(root: Path):
    """A release of the fixture data plus resources whose texts are markup and scripts;
    returns its settings."""
    settings = make_settings(root)
    long_key = "pitka-" + "x" * 150
    write_release(settings.releases_dir, extra_trig=HOSTILE.format(
        base=BASE, long=LONG_NAME, long_key=long_key))
    return settings
