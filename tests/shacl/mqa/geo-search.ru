# Geo search: the dataset without dct:spatial.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:dataset dct:spatial ?where }
