"""Atomic, redacted report writes."""

import json
import os
import stat

import pytest

from conformance.reporting import files
from conformance.reporting.files import (
    write_redacted_json,
    write_redacted_text,
    write_text_atomic,
)
from conformance.secrets import register_secret

PASSWORD = 'pw-with-"quote"-and-\\-9c1'


def test_write_replaces_file(tmp_path):
    path = tmp_path / "reports" / "results.json"

    write_text_atomic(path, "first")
    write_text_atomic(path, "second")

    assert path.read_text() == "second"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert os.listdir(path.parent) == ["results.json"]


def test_failed_write_keeps_old_file(tmp_path, monkeypatch):
    path = tmp_path / "junit.xml"
    write_text_atomic(path, "<testsuites/>")

    def fail_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files.os, "replace", fail_replace)
    with pytest.raises(OSError, match="No space left"):
        write_text_atomic(path, "<testsuites>half")

    assert path.read_text() == "<testsuites/>"
    assert os.listdir(tmp_path) == ["junit.xml"]


def test_json_secret_with_quotes_redacted(tmp_path):
    register_secret(PASSWORD)
    path = tmp_path / "results.json"

    write_redacted_json(path, {"message": f"login failed for password {PASSWORD}"})

    text = path.read_text()
    assert "quote" not in text
    assert json.loads(text) == {"message": "login failed for password ***"}


def test_text_secret_redacted(tmp_path):
    register_secret(PASSWORD)
    path = tmp_path / "conformance.html"

    write_redacted_text(path, f"<td>{PASSWORD}</td>")

    assert path.read_text() == "<td>***</td>"
