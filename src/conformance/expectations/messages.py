"""Build the one-line messages of ExpectationsError.

Every message has the shape `FILE:LINE: what is wrong (got VALUE); the fix`, so an
editor or a CI log can jump to the line, and a person reads the fix without looking
anything up.
"""

from pathlib import Path

from conformance.errors import ExpectationsError

MAX_SHOWN = 80


class Described(str):
    """A description shown as is after `got`, where no value can be shown."""

    def __repr__(self) -> str:
        return str(self)


# Shown in place of a value that may be a secret typed into the wrong place.
HIDDEN_VALUE = Described("<hidden>")


def show(value: object) -> str:
    """Return the repr of a value, shortened so one message stays on one line."""
    text = repr(value)
    if len(text) > MAX_SHOWN:
        text = text[: MAX_SHOWN - 3] + "..."
    return text


def located_error(
    source: Path | str,
    line: int,
    problem: str,
    *,
    got: object,
    fix: str,
) -> ExpectationsError:
    """Return an ExpectationsError for a problem at `source:line`."""
    problem = " ".join(problem.split())
    return ExpectationsError(f"{source}:{line}: {problem} (got {show(got)}); {fix}")


def dotted(path: tuple[object, ...]) -> str:
    """Join a key path for messages, quoting keys that contain dots or slashes."""
    parts = []
    for key in path:
        text = str(key)
        if isinstance(key, int) and not isinstance(key, bool):
            parts.append(f"[{key}]")
            continue
        if "." in text or "/" in text or " " in text:
            text = f'"{text}"'
        parts.append(text)
    joined = ".".join(parts)
    return joined.replace(".[", "[") or "the document"
