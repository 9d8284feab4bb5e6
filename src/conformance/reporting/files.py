"""Write report files so that a reader never sees one half-written or holding a secret.

Each file is written to a temporary file in the same directory and renamed over the
target. The rename is atomic on POSIX file systems, so a CI job that collects
artifacts while the suite is still running gets either the old file or the new one.
The text passes through redaction first.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from conformance.reporting.redaction import redact_data, redact_text

# Reports are meant to be read by everyone who reads the change ticket.
REPORT_FILE_MODE = 0o644


def write_text_atomic(path: Path, text: str) -> None:
    """Replace `path` with `text` in one rename; the text is written as is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        dir=path.parent,
        prefix=f".{path.name}.",
        suffix=".tmp",
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, REPORT_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_redacted_text(path: Path, text: str) -> None:
    """Redact every registered secret from `text`, then write it atomically."""
    write_text_atomic(path, redact_text(text))


def write_redacted_json(path: Path, document: object) -> None:
    """Redact every string in `document`, then write it as indented JSON atomically.

    Strings are redacted before encoding because JSON escapes quotes, backslashes
    and control characters, so a secret containing one of them would no longer
    match in the encoded text.
    """
    text = json.dumps(
        redact_data(document),
        indent=2,
        ensure_ascii=False,
        default=str,
    )
    write_redacted_text(path, text + "\n")
