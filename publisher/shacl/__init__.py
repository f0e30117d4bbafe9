"""SHACL: the compiled engine of the build gate, and validation for data stewards."""
