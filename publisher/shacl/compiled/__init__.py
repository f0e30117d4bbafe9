"""The compiled SHACL engine: shapes become SPARQL queries that Oxigraph runs."""
