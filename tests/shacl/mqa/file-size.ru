# File size: the distribution without dcat:byteSize.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:distribution dcat:byteSize ?size }
