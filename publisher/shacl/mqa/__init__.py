"""The EU Metadata Quality Assessment (MQA) score of a DCAT-AP catalogue, computed by us.

data.europa.eu grades what it harvests with its "Metadata Quality Assessment methodology"
(https://data.europa.eu/mqa/methodology, described in the data provider manual,
https://dataeuropa.gitlab.io/data-provider-manual/metadata-quality-dashboard/): 23 indicators
in five dimensions derived from the FAIR principles — findability 100 points, accessibility 100,
interoperability 110, reusability 75, contextuality 20, in all 405 — and a rating: excellent
351–405, good 221–350, sufficient 121–220, bad 0–120. `indicators.py` lists each indicator with
its weight, dimension, level and how it is decided; an indicator gives all its weight or none.

How it is decided here:

- presence indicators (keyword, theme, spatial, temporal, download URL, format, media type,
  licence, access rights, contact point, publisher, rights, byte size, issued, modified): the
  property is stated on the dataset or distribution; how many values does not count;
- vocabulary indicators: membership of the EU authority tables in `mappings/reference/eu/`
  (file type, licence, access right); the file-type table's own flags say which formats are
  machine-readable and non-proprietary and which IANA media types they have, and a
  `dcat:mediaType` counts as from the vocabulary when it is one of those (we keep no copy of
  IANA's registry, so a registered type the table does not name, such as application/ld+json,
  does not count);
- DCAT-AP compliance: the official DCAT-AP 2.1.1 shapes (the profile the portal converts
  records to) through `publisher.shacl.validate`, see `compliance.py`;
- accessibility of `dcat:accessURL` / `dcat:downloadURL`: the caller's `check_url` answers
  for each URL (once per URL); a status from 200 to 399 is accessible, as the MQA's HTTP check
  counts it. Nothing here opens a connection.

Aggregation, as the methodology does it: indicators are computed per dataset; distribution
indicators over the dataset's distributions under the methodology's assumption of "identical
content with several distributions" — a dataset's distributions are copies of one content, so
for each dimension only the distribution with the highest points in that dimension counts (the
first by IRI among equals). A dataset without distributions gets none of their points. The
methodology rates datasets; a catalogue of several is given the mean of its datasets' scores
and dimensions here (rounded to whole points), each dataset's own figures kept beside it.

    from publisher.shacl.mqa import assess, Assessment, UrlStatus
    assessment = assess(triples, check_url)       # check_url(url) -> UrlStatus
    assessment.total, assessment.rating, assessment.shortfalls(), assessment.to_dqv(base)
"""
from publisher.shacl.mqa.assessment import (Assessment, DatasetScore, IndicatorResult,
                                            UrlStatus, assess)
from publisher.shacl.mqa.dqv import METHODOLOGY, MeasuredDataset, MeasuredIndicator
from publisher.shacl.mqa.dqv import read as read_dqv
from publisher.shacl.mqa.indicators import (DIMENSION_BY_ID, DIMENSIONS, INDICATOR_BY_ID,
                                            INDICATORS, MAXIMUM, RATING_NAMES, Dimension,
                                            Indicator, rating)

__all__ = ["Assessment", "DIMENSIONS", "DIMENSION_BY_ID", "DatasetScore", "Dimension",
           "INDICATORS", "INDICATOR_BY_ID", "Indicator", "IndicatorResult", "MAXIMUM",
           "METHODOLOGY", "MeasuredDataset", "MeasuredIndicator", "RATING_NAMES", "UrlStatus",
           "assess", "rating", "read_dqv"]
