# Media type: the distribution without dcat:mediaType (its format is still from the vocabulary).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:distribution dcat:mediaType ?type }
