# Access restrictions vocabulary: a rights statement of our own (DCAT-AP 2.1.1 requires the EU table there too).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:dataset dct:accessRights ?rights }
INSERT { ex:dataset dct:accessRights ex:open . ex:open a dct:RightsStatement }
WHERE { ex:dataset dct:accessRights ?rights }
