# Publisher: the dataset without dct:publisher (the catalogue keeps its own).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:dataset dct:publisher ?agent }
