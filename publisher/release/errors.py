"""The errors of the release's catalogue steps: catalogue, VoID, checksums and their gate."""
from __future__ import annotations


class CatalogError(RuntimeError):
    """The catalogue cannot be built or described: a release file, a file name or a
    reference concept is missing or unusable."""


class CatalogInvalid(Exception):
    """The DCAT-AP catalogue of the release broke the official shapes: nothing was published."""

    def explain(self) -> str:
        return f"build failed: the DCAT-AP catalogue does not conform:\n{self.args[0]}"
