# DownloadURL: the distribution without a download URL (so none can be reached either).
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE WHERE { ex:distribution dcat:downloadURL ?url }
