# DCAT-AP compliance: the dataset without the description DCAT-AP 2.1.1 requires.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:dataset dct:description ?text }
