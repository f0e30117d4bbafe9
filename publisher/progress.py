"""Progress on stderr for long steps: counts on a terminal, silent when piped or --quiet."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Report pipeline steps and item counts; prints only to an interactive stderr."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = not quiet and self.stream.isatty()
        self._started = time.monotonic()
        self._last_count = 0.0

    def step(self, message: str) -> None:
        """Announce the start of a pipeline stage."""
        if self.enabled:
            elapsed = time.monotonic() - self._started
            self.stream.write(f"[{elapsed:6.1f}s] {message}\n")
            self.stream.flush()

    def count(self, label: str, done: int, total: int | None = None) -> None:
        """Update a running count in place, at most ten times a second (and at the end)."""
        if self.enabled:
            now = time.monotonic()
            finished = total is not None and done >= total
            if not finished and now - self._last_count < 0.1:
                return
            self._last_count = now
            suffix = f"/{total}" if total else ""
            self.stream.write(f"\r  {label}: {done}{suffix}")
            if total is not None and done >= total:
                self.stream.write("\n")
            self.stream.flush()

    def done(self, label: str) -> None:
        """End a line of counts."""
        if self.enabled:
            self.stream.write(f"  {label}: done\n")
            self.stream.flush()
