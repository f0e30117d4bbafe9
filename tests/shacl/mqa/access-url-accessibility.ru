# AccessURL accessibility: the access URL answers 404 (the tests answer 404 under /gone/).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:distribution dcat:accessURL ?url } INSERT { ex:distribution dcat:accessURL <https://example.org/gone/stops> }
WHERE { ex:distribution dcat:accessURL ?url }
