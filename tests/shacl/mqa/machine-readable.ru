# Machine readable: HTML, non-proprietary but not machine-readable in the EU file-type table.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:distribution dct:format ?format }
INSERT { ex:distribution dct:format <http://publications.europa.eu/resource/authority/file-type/HTML> .
         <http://publications.europa.eu/resource/authority/file-type/HTML> a dct:MediaTypeOrExtent }
WHERE { ex:distribution dct:format ?format }
