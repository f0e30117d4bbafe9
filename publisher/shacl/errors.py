"""Why an input or a shapes graph cannot be validated: what the CLI exits 2 for and /validate
answers 400 or 413 with."""
from __future__ import annotations

from typing import Any

from publisher.shacl.visible import visible


class UnreadableInput(ValueError):
    """Input that cannot be used: the message names the file and, where known, the line and
    column, and says what to do. `where` is "data" or "shapes". Control characters of the
    input never reach the message raw (publisher.shacl.visible). `code` and `params` name the
    message for a reader in another language (publisher.shacl.messages.INPUT_TEXTS), where
    there is one."""

    def __init__(self, message: str, *, where: str = "data", line: int | None = None,
                 column: int | None = None, code: str | None = None,
                 params: dict[str, Any] | None = None) -> None:
        super().__init__(visible(message))
        self.where, self.line, self.column = where, line, column
        self.code = code
        self.params = {k: visible(v) if isinstance(v, str) else v for k, v in (params or {}).items()}


class InputTooLarge(UnreadableInput):
    """More bytes or triples than this validator reads into memory."""
