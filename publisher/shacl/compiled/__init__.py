"""The compiled SHACL engine: shapes become SPARQL queries that Oxigraph runs, one module per
constraint family as in pySHACL."""
