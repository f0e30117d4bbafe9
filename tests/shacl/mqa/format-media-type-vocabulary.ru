# Format / Media type from vocabulary: a media type the EU file-type table does not name.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:distribution dcat:mediaType ?type }
INSERT { ex:distribution dcat:mediaType <http://www.iana.org/assignments/media-types/text/x-bus-stops> .
         <http://www.iana.org/assignments/media-types/text/x-bus-stops> a dct:MediaType }
WHERE { ex:distribution dcat:mediaType ?type }
