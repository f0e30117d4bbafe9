# Access restrictions: the dataset without dct:accessRights (so none from the vocabulary).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:dataset dct:accessRights ?rights }
