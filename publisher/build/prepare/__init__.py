"""Preparing records for the mapping: linked resources, municipality codes, organisations."""
