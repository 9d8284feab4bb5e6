import datetime as dt
from pathlib import Path

import pytest

from conformance.pressure import (
    PRESSURE_CODES,
    group_by_code,
    in_window,
    parse_error_log,
    parse_line,
    pressure_in_window,
)

UTC = dt.UTC
DATA = Path(__file__).parent / "probes" / "data"

# An Apache 2.4 event MPM error_log around a burst, in the default format, with
# mod_wsgi output and a line in another format mixed in as real logs have them.
ERROR_LOG = (DATA / "error_log_burst.txt").read_text()

BURST_START = dt.datetime(2026, 12, 4, 15, 29, 59, tzinfo=UTC)
BURST_END = dt.datetime(2026, 12, 4, 15, 30, 2, tzinfo=UTC)


def test_parse_error_log_default_format():
    parsed = parse_error_log(ERROR_LOG)

    assert len(parsed.entries) == 10
    assert parsed.unparsed_lines == [10]
    first = parsed.entries[0]
    assert first.timestamp == dt.datetime(2026, 12, 4, 15, 29, 1, 4117)
    assert first.module == "mpm_event"
    assert first.level == "notice"
    assert first.pid == 311
    assert first.tid == 311
    assert first.code == "AH00489"
    assert first.message.startswith("Apache/2.4.71 (Debian)")


def test_parse_line_without_code_keeps_client_prefix():
    entry = parse_error_log(ERROR_LOG).entries[8]

    assert entry.code is None
    assert entry.module == "wsgi"
    assert entry.message.startswith("[client 127.0.0.1:41766] Timeout when reading")


def test_parse_line_code_after_client_prefix():
    entry = parse_error_log(ERROR_LOG).entries[9]

    assert entry.code == "AH00124"
    assert entry.message.startswith("Request exceeded the limit")


@pytest.mark.parametrize(
    ("line", "timestamp"),
    [
        pytest.param(
            "[Sat May 16 04:16:51 2026] [mpm_worker:error] [pid 24619] AH00286: x",
            dt.datetime(2026, 5, 16, 4, 16, 51),
            id="no-microseconds-no-tid",
        ),
        pytest.param(
            "[2026-12-04 15:30:00.123456] [mpm_prefork:error] [pid 7] AH00161: x",
            dt.datetime(2026, 12, 4, 15, 30, 0, 123456),
            id="iso-time",
        ),
        pytest.param(
            "[Fri Dec 04 15:30:00.000001 2026] [:error] [pid 7:tid 8] AH00161: x",
            dt.datetime(2026, 12, 4, 15, 30, 0, 1),
            id="no-module-name",
        ),
    ],
)
def test_parse_line_other_formats(line, timestamp):
    entry = parse_line(line)

    assert entry is not None
    assert entry.timestamp == timestamp
    assert entry.message == "x"


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("Traceback (most recent call last):", id="traceback"),
        pytest.param("[not a date] [core:error] AH00001: x", id="bad-date"),
        pytest.param(
            '127.0.0.1 - - [04/Dec/2026:15:30:00 +0000] "GET / HTTP/1.1" 200 2',
            id="access-log",
        ),
    ],
)
def test_parse_line_rejects_other_text(line):
    assert parse_line(line) is None


def test_pressure_in_window_finds_event_mpm_codes():
    report = pressure_in_window(ERROR_LOG, BURST_START, BURST_END, log_tz=UTC)

    assert set(report.pressure) == {"AH10159", "AH00484", "AH03490"}
    assert report.pressure["AH03490"].count == 2
    assert report.pressure["AH03490"].first == dt.datetime(
        2026, 12, 4, 15, 30, 2, 126311
    )
    assert report.pressure["AH03490"].last == dt.datetime(
        2026, 12, 4, 15, 30, 3, 127804
    )
    assert report.pressure["AH00484"].meaning == "reached MaxRequestWorkers"
    assert set(report.busy) == {"AH00486"}
    assert report.unparsed_lines == 1


def test_pressure_in_window_without_trailing_seconds():
    report = pressure_in_window(
        ERROR_LOG, BURST_START, BURST_END, log_tz=UTC, trailing_s=0
    )

    assert set(report.pressure) == {"AH10159", "AH00484"}


def test_pressure_in_window_before_burst_is_empty():
    start = dt.datetime(2026, 12, 4, 15, 0, 0, tzinfo=UTC)
    end = dt.datetime(2026, 12, 4, 15, 29, 0, tzinfo=UTC)

    report = pressure_in_window(ERROR_LOG, start, end, log_tz=UTC, trailing_s=0)

    assert report.pressure == {}
    assert report.entries_in_window == 0


def test_pressure_in_window_converts_server_local_time():
    # The server logs in UTC+01:00, so 15:30 local is 14:30 UTC.
    paris_winter = dt.timezone(dt.timedelta(hours=1))
    start = dt.datetime(2026, 12, 4, 14, 29, 59, tzinfo=UTC)
    end = dt.datetime(2026, 12, 4, 14, 30, 2, tzinfo=UTC)

    report = pressure_in_window(ERROR_LOG, start, end, log_tz=paris_winter)

    assert set(report.pressure) == {"AH10159", "AH00484", "AH03490"}
    assert report.window_start == start


def test_pressure_in_window_watched_codes():
    report = pressure_in_window(
        ERROR_LOG, BURST_START, BURST_END, log_tz=UTC, codes=("AH00484",)
    )

    assert set(report.pressure) == {"AH00484"}
    assert "AH10159" in report.by_code


def test_pressure_report_to_dict():
    report = pressure_in_window(ERROR_LOG, BURST_START, BURST_END, log_tz=UTC)

    data = report.to_dict()

    assert data["by_code"] == {
        "AH00484": 1,
        "AH00486": 1,
        "AH03490": 2,
        "AH10159": 1,
    }
    assert data["pressure"]["AH10159"]["message"].startswith(
        "server is within MinSpareThreads of MaxRequestWorkers"
    )
    assert data["window_end"] == "2026-12-04T15:30:04+00:00"


def test_in_window_includes_both_ends():
    entries = parse_error_log(ERROR_LOG).entries
    moment = dt.datetime(2026, 12, 4, 15, 30, 0, 123456)

    found = in_window(entries, moment, moment, log_tz=UTC)

    assert [entry.code for entry in found] == ["AH10159"]


def test_group_by_code_skips_lines_without_code():
    groups = group_by_code(parse_error_log(ERROR_LOG).entries)

    assert None not in groups
    assert groups["AH00094"].count == 1


def test_pressure_codes_cover_each_mpm():
    mpms = {code.mpm for code in PRESSURE_CODES.values()}

    assert mpms == {"event", "worker", "prefork"}
    assert {"AH10159", "AH00484", "AH03490"} <= set(PRESSURE_CODES)
