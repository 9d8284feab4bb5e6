"""errors:recent: reading the window's error_log and journal lines, offline."""

import datetime as dt
import json
from pathlib import Path

import pytest

from conformance.checks.recent_errors import (
    judge,
    parse_since,
    read_recent_errors,
    read_script,
)
from conformance.errors import ConformanceError

SINCE = dt.datetime(2026, 12, 4, 15, 30, tzinfo=dt.UTC)

# Lines as Apache 2.4 and mod_wsgi write them; the first one predates the window.
ERROR_LOG = (Path(__file__).parent / "data" / "error_log_window.txt").read_text()


def journal_line(priority: int, message, identifier: str = "systemd") -> str:
    return json.dumps(
        {
            "__REALTIME_TIMESTAMP": "1796398500000000",
            "PRIORITY": str(priority),
            "SYSLOG_IDENTIFIER": identifier,
            "MESSAGE": message,
        }
    )


def script_output(*, error_log: str = ERROR_LOG, journal: dict | None = None) -> str:
    journal = journal or {"httpd": ["via sudo -n"], "celery": ["via sudo -n"]}
    lines = ["@@MBP clock@@", "1796398800", "+0000"]
    lines += ["@@MBP errorlog /etc/httpd/logs/error_log@@", "ok 7", error_log]
    for unit, body in journal.items():
        lines += [f"@@MBP journal {unit}@@", *body, "@@rc 0"]
    return "\n".join(lines) + "\n"


def test_window_groups_lines_by_code():
    found = read_recent_errors(script_output(), SINCE)

    assert found.by_code["AH00484"].count == 2
    assert found.by_code["AH00489"].errors == 0
    assert "AH00126" not in found.by_code


def test_wsgi_lines_use_python_level():
    found = read_recent_errors(script_output(), SINCE)

    wsgi = found.by_code["wsgi (no AH code)"]
    assert wsgi.count == 3
    # The WARNING line does not count; the ERROR line and mod_wsgi's own do.
    assert wsgi.errors == 2


def test_error_lines_fail_check():
    found = read_recent_errors(script_output(), SINCE)

    verdict = judge(found, paths=["/etc/httpd/logs/error_log"], units=[], origin="x")

    assert not verdict.ok
    assert verdict.observed["error_lines"] == 4
    assert verdict.observed["by_group"] == {"AH00484": 2, "wsgi (no AH code)": 2}


def test_notice_lines_pass_check():
    quiet = "\n".join(line for line in ERROR_LOG.splitlines() if "AH00489" in line)
    found = read_recent_errors(script_output(error_log=quiet), SINCE)

    verdict = judge(found, paths=[], units=["httpd"], origin="x")

    assert verdict.ok
    assert verdict.details["snapshot"]["by_code"]["AH00489"]["count"] == 1


def test_journal_err_priority_counts():
    journal = {
        "celery": [
            "via sudo -n",
            journal_line(4, "celery.service: Failed with result 'exit-code'."),
            journal_line(3, "Failed to start celery.service - Celery workers."),
        ]
    }
    found = read_recent_errors(script_output(error_log="", journal=journal), SINCE)

    celery = found.by_unit["celery"]
    assert (celery.count, celery.errors) == (2, 1)
    assert celery.level == "err"
    assert "Failed to start" in celery.latest[-1]


def test_journal_bytes_message_decoded():
    raw = list(b"\x1b[1;36mcelery multi v5.5.0\x1b[0m")
    journal = {"celery": ["via sudo -n", journal_line(3, raw, "sh")]}
    found = read_recent_errors(script_output(error_log="", journal=journal), SINCE)

    assert "celery multi v5.5.0" in found.by_unit["celery"].latest[0]


def test_journal_without_permission_is_unread():
    hint = (
        "Hint: You are currently not seeing messages from other users and the system."
    )
    journal = {"httpd": ["via user", hint]}
    found = read_recent_errors(script_output(error_log="", journal=journal), SINCE)

    verdict = judge(found, paths=[], units=["httpd"], origin="x")

    assert not verdict.ok
    assert "not seeing messages" in verdict.observed["not read"][0]


def test_unreadable_error_log_is_unread():
    output = "@@MBP errorlog /var/log/httpd/error_log@@\nunreadable\n"
    found = read_recent_errors(output, SINCE)

    assert found.unread[0].startswith("/var/log/httpd/error_log: is not readable")


def test_log_time_uses_host_offset():
    # 16:31 at +0100 is 15:31 UTC, inside the window; 16:20 is before it.
    log = ERROR_LOG.replace("15:31:02", "16:31:02").replace("15:20:00", "16:20:00")
    output = script_output(error_log=log).replace("+0000", "+0100")
    found = read_recent_errors(output, SINCE)

    assert "AH00489" in found.by_code
    assert "AH00126" not in found.by_code
    assert "AH00484" not in found.by_code


def test_script_reads_journal_with_unit_first():
    text = read_script(
        log_paths=["/var/log/httpd/error_log"], units=["httpd"], since=SINCE
    )

    assert "sudo -n journalctl -u httpd --since @1796398200 -p warning" in text
    assert "tail -n 20000" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1796398200", SINCE),
        ("@1796398200", SINCE),
        ("2026-12-04T15:30:00+00:00", SINCE),
        ("2026-12-04T15:30:00Z", SINCE),
        ("2026-12-04T16:30:00+01:00", SINCE),
    ],
)
def test_since_forms(text, expected):
    assert parse_since(text) == expected


def test_since_without_offset_is_local():
    assert parse_since("2026-12-04T15:30:00").tzinfo is not None


def test_since_rejects_words():
    with pytest.raises(ConformanceError, match="'yesterday' is not a time"):
        parse_since("yesterday")
