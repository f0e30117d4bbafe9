# Licence vocabulary: a licence of our own, not in the EU licence table.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:distribution dct:license ?licence }
INSERT { ex:distribution dct:license ex:own-licence .
         ex:own-licence a dct:LicenseDocument ; dct:type <http://purl.org/adms/licencetype/Attribution> }
WHERE { ex:distribution dct:license ?licence }
