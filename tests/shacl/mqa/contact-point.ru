# Contact point: the dataset without dcat:contactPoint.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:dataset dcat:contactPoint ?contact }
