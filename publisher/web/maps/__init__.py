"""Maps drawn on the server as SVG from the borders the release carries (GeoSPARQL WKT):
`wkt` reads them, `projection` places them on the page, `palette` colours them, `draw`
writes the SVG, `network` lays out the collaboration lines, `borders` keeps the projected
borders once per release, and `geojson` gives them to GIS users."""
