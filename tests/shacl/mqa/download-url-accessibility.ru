# DownloadURL accessibility: the download URL answers 404.
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX ex: <https://example.org/>
DELETE { ex:distribution dcat:downloadURL ?url } INSERT { ex:distribution dcat:downloadURL <https://example.org/gone/stops.csv> }
WHERE { ex:distribution dcat:downloadURL ?url }
