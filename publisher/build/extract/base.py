"""What every extractor returns: records, problems and an account of every line.

A reviewer must be able to check an extraction against the source line by line, so an
`Extraction` says for each non-empty line which record it went to (and as what), or
why it went to none. Problems name the line and the field.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


class SourceError(Exception):
    """The source text cannot be read (missing, not UTF-8, unknown extractor)."""


@dataclass
class Problem:
    """Something a person should look at: which line, which field, what is wrong."""

    line: int | None
    field: str | None
    message: str
    severity: str = "warning"
    record: int | None = None
    document: str | None = None

    def __str__(self) -> str:
        where = self.document or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, self.field, self.message) if p]
        return ": ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "document"}


@dataclass(slots=True)
class LineAccount:
    """Where one non-empty source line went: a record (with its role) or nowhere (reason)."""

    line: int
    record: int | None
    role: str | None = None
    reason: str | None = None
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Extraction:
    """The result of reading one source document."""

    document: str
    records: list[dict[str, Any]]
    problems: list[Problem]
    line_accounts: list[LineAccount]
    extractor: str = "catalogue"
    total_lines: int = 0
    incomplete: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for problem in self.problems:
            if problem.document is None:
                problem.document = self.document

    @property
    def unassigned(self) -> list[LineAccount]:
        return [a for a in self.line_accounts if a.record is None]

    def report(self) -> dict[str, Any]:
        """JSON-able account: counts, per-record spans, unassigned lines, problems."""
        severities: dict[str, int] = {}
        for problem in self.problems:
            severities[problem.severity] = severities.get(problem.severity, 0) + 1
        per_record: dict[int, int] = {}
        for account in self.line_accounts:
            if account.record is not None:
                per_record[account.record] = per_record.get(account.record, 0) + 1
        records = []
        for index, record in enumerate(self.records):
            source = record.get("source") or {}
            records.append({
                "index": index, "key": record.get("key"), "title": record.get("title"),
                "first_line": source.get("first_line"), "last_line": source.get("last_line"),
                "lines": per_record.get(index, 0),
                "complete": record.get("complete", True),
            })
        return {
            "document": self.document,
            "extractor": self.extractor,
            "counts": {
                "lines": self.total_lines,
                "non_empty_lines": len(self.line_accounts),
                "assigned_lines": len(self.line_accounts) - len(self.unassigned),
                "unassigned_lines": len(self.unassigned),
                "records": len(self.records),
                "incomplete_records": len(self.incomplete),
                "problems": severities,
            },
            "records": records,
            "unassigned": [{"line": a.line, "text": a.text, "reason": a.reason}
                           for a in self.unassigned],
            "incomplete": self.incomplete,
            "problems": [p.to_dict() for p in self.problems],
        }

    def report_text(self) -> str:
        """The same report for reading in a terminal."""
        data = self.report()
        counts = data["counts"]
        out = [f"{self.document} ({self.extractor} extractor)",
               f"  lines: {counts['lines']}, non-empty: {counts['non_empty_lines']}, "
               f"assigned: {counts['assigned_lines']}, unassigned: {counts['unassigned_lines']}",
               f"  records: {counts['records']}, incomplete: {counts['incomplete_records']}",
               "  problems: " + (", ".join(f"{n} {s}" for s, n in sorted(counts["problems"].items()))
                                 or "none"),
               "", "Records (first-last line, key, title):"]
        for r in data["records"]:
            flag = "" if r["complete"] else "  [INCOMPLETE]"
            out.append(f"  {r['index']:>4}  {r['first_line']}-{r['last_line']}  {r['key']}"
                       f"  {r['title'] or '(no title)'}{flag}")
        out += ["", "Unassigned lines:"]
        out += [f"  {u['line']}: {u['reason']}: {_cut(u['text'])}" for u in data["unassigned"]] \
            or ["  none: every non-empty line is assigned to a record"]
        if data["incomplete"]:
            out += ["", "Incomplete records:"]
            out += [f"  record {i['record']} (lines {i['first_line']}-{i['last_line']}): {i['reason']}"
                    for i in data["incomplete"]]
        out += ["", "Problems:"]
        out += [f"  {p.severity}: {p}" for p in self.problems] or ["  none"]
        return "\n".join(out) + "\n"


def _cut(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def read_source_text(path: Path) -> list[str]:
    """The lines of a UTF-8 text (without line ends); SourceError says where it is not UTF-8."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{path.name}: cannot read: {error.strerror or error}") from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start
        line = data.count(b"\n", 0, offset) + 1
        raise SourceError(
            f"{path.name} is not UTF-8: invalid byte 0x{data[offset]:02x} at byte offset "
            f"{offset} (line {line}); convert it to UTF-8") from error
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines
