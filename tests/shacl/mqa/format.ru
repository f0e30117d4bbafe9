# Format: the distribution without dct:format (so no format to be machine-readable or non-proprietary).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:distribution dct:format ?format }
