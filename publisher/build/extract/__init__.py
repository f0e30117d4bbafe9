"""Extraction: turn a source text into records, with an account of every line.

Every extractor is a function `(path, lines) -> Extraction`; which one reads which text is
the source families' registry (`publisher/build/sources.py`, `extract_path`).
"""
from __future__ import annotations

from publisher.build.extract.base import (Extraction, LineAccount, Problem, SourceError,
                                          read_source_text)

__all__ = ["Extraction", "LineAccount", "Problem", "SourceError", "read_source_text"]
