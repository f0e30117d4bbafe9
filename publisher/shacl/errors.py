"""Why an input or a shapes graph cannot be validated: what the CLI exits 2 for and /validate
answers 400 or 413 with."""
from __future__ import annotations


class UnreadableInput(ValueError):
    """Input that cannot be used: the message names the file and, where known, the line and
    column, and says what to do. `where` is "data" or "shapes"."""

    def __init__(self, message: str, *, where: str = "data", line: int | None = None,
                 column: int | None = None) -> None:
        super().__init__(message)
        self.where, self.line, self.column = where, line, column


class InputTooLarge(UnreadableInput):
    """More bytes or triples than this validator reads into memory."""
