"""Placeholder extractor for the Swedish web pages (sources 000–003).

Their mapping is not written yet. So that `publisher build` and `publisher extract`
work on every registered source, this extractor returns no records and accounts for
every non-empty line as not yet mapped.
"""
from __future__ import annotations

from pathlib import Path

from publisher.extract.base import Extraction, LineAccount

PENDING_REASON = "not yet mapped (page extractor pending)"


def extract_page(path: Path, lines: list[str]) -> Extraction:
    """No records; every non-empty line is reported as pending."""
    accounts = [LineAccount(number, None, None, PENDING_REASON, text.strip())
                for number, text in enumerate(lines, start=1) if text.strip()]
    return Extraction(document=Path(path).name, records=[], problems=[],
                      line_accounts=accounts, extractor="page", total_lines=len(lines))
