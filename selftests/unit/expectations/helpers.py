"""Shared helpers: the shipped expectations file and edits of its text."""

import re
from pathlib import Path

import pytest

from conformance.errors import ExpectationsError
from conformance.expectations import Expectations, load

SHIPPED = Path(__file__).resolve().parents[3] / "expectations.yaml"
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


def edit(text: str, old: str, new: str) -> str:
    """Return `text` with the one occurrence of `old` replaced by `new`."""
    __tracebackhide__ = True
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """Return the 1-based line of the one occurrence of `needle`."""
    __tracebackhide__ = True
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    return text[: text.index(needle)].count("\n") + 1


def load_text(folder: Path, text: str) -> Expectations:
    """Write `text` to an expectations file in `folder` and load it."""
    path = folder / "expectations.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def load_error(folder: Path, text: str) -> tuple[int, str]:
    """Load `text`, expect ExpectationsError, return its line and the rest."""
    __tracebackhide__ = True
    path = folder / "expectations.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ExpectationsError) as caught:
        load(path)
    return split_message(str(caught.value), path)


def split_message(message: str, path: Path) -> tuple[int, str]:
    """Split `FILE:LINE: rest` into the line and the rest, checking the shape."""
    __tracebackhide__ = True
    match = re.fullmatch(rf"{re.escape(str(path))}:(\d+): (.+)", message, re.DOTALL)
    assert match is not None, f"message does not start with {path}:LINE: {message}"
    assert "\n" not in message, f"message spans several lines: {message!r}"
    assert "(got " in match.group(2), f"message does not show the value: {message}"
    assert "); " in match.group(2), f"message does not give a fix: {message}"
    return int(match.group(1)), match.group(2)
