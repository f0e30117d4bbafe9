# Non-proprietary: XLS, machine-readable but proprietary in the EU file-type table.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:distribution dct:format ?format }
INSERT { ex:distribution dct:format <http://publications.europa.eu/resource/authority/file-type/XLS> .
         <http://publications.europa.eu/resource/authority/file-type/XLS> a dct:MediaTypeOrExtent }
WHERE { ex:distribution dct:format ?format }
