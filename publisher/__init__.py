"""Kuntadigi linked-data publisher: source texts → records → RDF → SHACL gate → release → store → web."""

__version__ = "0.1.0"
