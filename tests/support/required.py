"""What a test needs installed. CI (`CI` set) installs everything the suite uses
(`make test`), so there a missing part is a failure; elsewhere the test is skipped."""
from __future__ import annotations

import os
from typing import TypeVar

import pytest

IN_CI = bool(os.environ.get("CI"))
T = TypeVar("T")


def require(found: T | None, missing: str) -> T:
    """`found`, or the calling test fails (in CI) or is skipped, saying `missing`: what is
    not installed and how to install it."""
    if found is None:
        (pytest.fail if IN_CI else pytest.skip)(missing)
    return found
