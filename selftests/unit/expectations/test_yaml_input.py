"""YAML-level problems in an expectations file: each is one located message."""

from pathlib import Path

import pytest

from conformance.errors import ExpectationsError
from conformance.expectations import load

from .helpers import SHIPPED_TEXT, edit, line_of, load_error


def test_duplicate_key_reports_second_line(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "    loaded_mpm: event\n",
        "    loaded_mpm: event\n    loaded_mpm: worker\n",
    )
    first = line_of(text, "loaded_mpm: event")

    line, rest = load_error(tmp_path, text)

    assert line == first + 1
    assert f"duplicate key 'loaded_mpm', first set on line {first}" in rest
    assert "(got 'loaded_mpm')" in rest


def test_duplicate_key_in_flow_mapping(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "{processes: 3, threads: 15}",
        "{processes: 3, threads: 15, processes: 5}",
    )

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "processes: 5")
    assert "duplicate key 'processes'" in rest


def test_duplicate_environment_reported(tmp_path):
    lab_block = SHIPPED_TEXT[
        SHIPPED_TEXT.index("  lab:\n") : SHIPPED_TEXT.index("timeouts:")
    ]
    text = edit(SHIPPED_TEXT, "timeouts:", lab_block + "timeouts:")

    line, rest = load_error(tmp_path, text)

    assert line == text.count("\n", 0, text.index(lab_block) + len(lab_block)) + 1
    assert "duplicate key 'lab'" in rest


def test_unclosed_flow_mapping(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "    daemon: {processes: 3, threads: 15}",
        "    daemon: {processes: 3, threads: 15",
    )

    line, rest = load_error(tmp_path, text)

    assert line_of(text, "daemon: {processes") <= line <= line_of(text, "  celery:\n")
    assert rest.startswith("invalid YAML")


def test_tab_indentation_rejected(tmp_path):
    text = edit(SHIPPED_TEXT, "    queue: jobs.env.create", "\tqueue: jobs.env.create")

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "\tqueue")
    assert "invalid YAML" in rest


def test_unquoted_section_number_key(tmp_path):
    text = edit(SHIPPED_TEXT, '  "4.1":\n', "  4.1:\n")

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "  4.1:\n")
    assert "a key must be text (got 4.1)" in rest
    assert 'quote the key: "4.1"' in rest


def test_merge_key_rejected(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "    daemon: {processes: 3, threads: 15}",
        "    daemon: &d {processes: 3, threads: 15}\n    extra:\n      <<: *d",
    )

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "<<: *d")
    assert "merge keys are not supported" in rest


def test_custom_tag_rejected(tmp_path):
    text = edit(SHIPPED_TEXT, "  ssh_connect_s: 5", "  ssh_connect_s: !seconds 5")

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "!seconds")
    assert "unsupported YAML tag '!seconds'" in rest


def test_python_tag_rejected(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "  ssh_connect_s: 5",
        "  ssh_connect_s: !!python/object/apply:os.system [true]",
    )

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "!!python")
    assert "unsupported YAML tag" in rest


def test_invalid_date_reported(tmp_path):
    text = edit(SHIPPED_TEXT, "updated: 2026-03-22", "updated: 2026-13-22")

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "updated: 2026-13-22")
    assert "invalid timestamp value" in rest


def test_recursive_alias_rejected(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "    units: [httpd, celery]",
        "    units: &u [httpd, *u]",
    )

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "&u [httpd")
    assert "recursive alias" in rest


def test_alias_expansion_bounded(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]

    line, rest = load_error(tmp_path, "\n".join(lines) + "\n")

    assert line >= 1
    assert "more than 100000 values" in rest


def test_control_character_rejected(tmp_path):
    text = edit(SHIPPED_TEXT, "  http_read_s: 10", "  http_read_s: 10\x07")

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "http_read_s")
    assert "invalid character" in rest


def test_second_document_rejected(tmp_path):
    text = SHIPPED_TEXT + "---\nschema_version: 1\n"

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "---\n")
    assert "expected a single document" in rest


def test_empty_file_rejected(tmp_path):
    line, rest = load_error(tmp_path, "# nothing here\n")

    assert line == 1
    assert "holds no YAML document" in rest


def test_top_level_list_rejected(tmp_path):
    line, rest = load_error(tmp_path, "- schema_version: 1\n")

    assert line == 1
    assert "must be a mapping, not a list" in rest


def test_invalid_utf8_reported(tmp_path):
    path = tmp_path / "expectations.yaml"
    data = SHIPPED_TEXT.encode().replace(b"  http_read_s: 10", b"  http_read_s: \xff")
    path.write_bytes(data)

    with pytest.raises(
        ExpectationsError, match=rf"^{path}:(\d+): the file is not"
    ) as e:
        load(path)

    assert f":{line_of(SHIPPED_TEXT, 'http_read_s')}:" in str(e.value)


def test_missing_file_names_option(tmp_path):
    path = Path(tmp_path / "absent.yaml")

    with pytest.raises(ExpectationsError) as caught:
        load(path)

    assert str(caught.value).startswith(f"{path}: cannot read")
    assert "--expectations=PATH" in str(caught.value)


def test_deep_nesting_rejected(tmp_path):
    depth = 900
    text = edit(
        SHIPPED_TEXT,
        "    units: [httpd, celery]",
        "    units: " + "[" * depth + "]" * depth,
    )

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "units: [[[")
    assert "nested more than 64 levels deep" in rest
