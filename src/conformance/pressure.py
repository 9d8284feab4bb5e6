"""Apache worker-pressure warnings in the error log, grouped by AH code.

The codes and texts below were read from the MPM modules of Apache httpd 2.4.71
(Debian bookworm's apache2-bin) and checked against server/mpm/event/event.c.
The parent process logs them from its once-a-second maintenance loop, so a
warning can trail the load that caused it by about a second. Apache logs
AH00484, AH10159, AH00286, AH00287 and AH00161 only once for the life of the
parent process, graceful restarts included: after the first time, only a full
stop and start makes them appear again.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PressureCode:
    """An Apache message reporting that the worker pool is exhausted or nearly so."""

    code: str
    mpm: str
    meaning: str


PRESSURE_CODES: Mapping[str, PressureCode] = {
    entry.code: entry
    for entry in (
        PressureCode("AH10159", "event", "within MinSpareThreads of MaxRequestWorkers"),
        PressureCode("AH00484", "event", "reached MaxRequestWorkers"),
        PressureCode(
            "AH03490",
            "event",
            "scoreboard is full, not at MaxRequestWorkers (raise ServerLimit)",
        ),
        # Releases of 2.4 before AH03490 logged the full scoreboard under this code.
        PressureCode(
            "AH00485", "event", "scoreboard is full, not at MaxRequestWorkers"
        ),
        PressureCode("AH00286", "worker", "reached MaxRequestWorkers"),
        PressureCode(
            "AH00287", "worker", "within MinSpareThreads of MaxRequestWorkers"
        ),
        PressureCode(
            "AH00288", "worker", "scoreboard is full, not at MaxRequestWorkers"
        ),
        PressureCode("AH00161", "prefork", "reached MaxRequestWorkers"),
    )
}

# "server seems busy" is logged at info level while the MPM spawns children
# quickly. It precedes pressure but is not itself at the limit.
BUSY_CODES: Mapping[str, PressureCode] = {
    entry.code: entry
    for entry in (
        PressureCode("AH00486", "event", "server seems busy, spawning children"),
        PressureCode("AH00289", "worker", "server seems busy, spawning children"),
        PressureCode("AH00162", "prefork", "server seems busy, spawning children"),
    )
}

# Apache 2.4's default ErrorLogFormat writes
# [Fri Dec 04 15:30:00.123456 2026] [mpm_event:error] [pid 1234:tid 5678] AH00484: ...
# The time is %{u}t; "%t" drops the microseconds and "%{cu}t" writes ISO 8601.
_LINE = re.compile(
    r"^\[(?P<time>[^\]]+)\]\s+"
    r"\[(?P<module>[^:\]\s]*):(?P<level>[a-z0-9]+)\]\s+"
    r"(?:\[pid\s+(?P<pid>\d+)(?::tid\s+(?P<tid>\d+))?\]\s+)?"
    r"(?P<rest>.*)$"
)
_CODE = re.compile(r"(?:^|\s)(?P<code>AH\d{5}):\s*")
_TIME_FORMATS = (
    "%a %b %d %H:%M:%S.%f %Y",
    "%a %b %d %H:%M:%S %Y",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M:%S",
)


@dataclass(frozen=True)
class ErrorLogEntry:
    """One parsed error_log line. `timestamp` is the server's local time."""

    line_number: int
    timestamp: dt.datetime
    module: str
    level: str
    pid: int | None
    tid: int | None
    code: str | None
    message: str


@dataclass
class ParsedErrorLog:
    entries: list[ErrorLogEntry]
    unparsed_lines: list[int]


@dataclass
class CodeGroup:
    """Every entry of one AH code in the window."""

    code: str
    count: int
    first: dt.datetime
    last: dt.datetime
    level: str
    module: str
    message: str
    meaning: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "count": self.count,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "level": self.level,
            "module": self.module,
            "message": self.message,
            "meaning": self.meaning,
        }


@dataclass
class PressureReport:
    """AH codes seen in the window, with the pressure and busy codes picked out."""

    window_start: dt.datetime
    window_end: dt.datetime
    entries_in_window: int
    by_code: dict[str, CodeGroup] = field(default_factory=dict)
    unparsed_lines: int = 0
    watched_codes: tuple[str, ...] = ()

    @property
    def pressure(self) -> dict[str, CodeGroup]:
        return {c: g for c, g in self.by_code.items() if c in self.watched_codes}

    @property
    def busy(self) -> dict[str, CodeGroup]:
        return {c: g for c, g in self.by_code.items() if c in BUSY_CODES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "entries_in_window": self.entries_in_window,
            "pressure": {c: g.to_dict() for c, g in self.pressure.items()},
            "busy": {c: g.to_dict() for c, g in self.busy.items()},
            "by_code": {c: g.count for c, g in sorted(self.by_code.items())},
            "unparsed_lines": self.unparsed_lines,
        }


def parse_error_log(text: str) -> ParsedErrorLog:
    """Parse Apache 2.4 error_log text; lines in another format are counted apart."""
    entries: list[ErrorLogEntry] = []
    unparsed: list[int] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        entry = parse_line(line, number)
        if entry is None:
            unparsed.append(number)
        else:
            entries.append(entry)
    return ParsedErrorLog(entries, unparsed)


def parse_line(line: str, line_number: int = 0) -> ErrorLogEntry | None:
    """Parse one error_log line, or return None if it is not in Apache's format."""
    match = _LINE.match(line.strip())
    if match is None:
        return None
    timestamp = _parse_time(match["time"])
    if timestamp is None:
        return None
    rest = match["rest"]
    code_match = _CODE.search(rest)
    code = code_match["code"] if code_match else None
    message = rest[code_match.end() :] if code_match else rest
    return ErrorLogEntry(
        line_number=line_number,
        timestamp=timestamp,
        module=match["module"],
        level=match["level"],
        pid=int(match["pid"]) if match["pid"] else None,
        tid=int(match["tid"]) if match["tid"] else None,
        code=code,
        message=message.strip(),
    )


def _parse_time(text: str) -> dt.datetime | None:
    for time_format in _TIME_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), time_format)
        except ValueError:
            continue
    return None


def in_window(
    entries: Iterable[ErrorLogEntry],
    start: dt.datetime,
    end: dt.datetime,
    *,
    log_tz: dt.tzinfo,
) -> list[ErrorLogEntry]:
    """Return the entries logged from `start` to `end`, both included.

    Apache writes local time without a zone, so `log_tz` names the zone of the
    server's clock. Naive `start` and `end` are taken as in `log_tz`.
    """
    start_aware = _aware(start, log_tz)
    end_aware = _aware(end, log_tz)
    return [
        entry
        for entry in entries
        if start_aware <= entry.timestamp.replace(tzinfo=log_tz) <= end_aware
    ]


def group_by_code(entries: Iterable[ErrorLogEntry]) -> dict[str, CodeGroup]:
    """Group entries that carry an AH code; the message of the first one is kept."""
    groups: dict[str, CodeGroup] = {}
    for entry in entries:
        if entry.code is None:
            continue
        group = groups.get(entry.code)
        if group is None:
            known = PRESSURE_CODES.get(entry.code) or BUSY_CODES.get(entry.code)
            groups[entry.code] = CodeGroup(
                code=entry.code,
                count=1,
                first=entry.timestamp,
                last=entry.timestamp,
                level=entry.level,
                module=entry.module,
                message=entry.message,
                meaning=known.meaning if known else None,
            )
            continue
        group.count += 1
        group.first = min(group.first, entry.timestamp)
        group.last = max(group.last, entry.timestamp)
    return groups


def pressure_in_window(
    text: str,
    start: dt.datetime,
    end: dt.datetime,
    *,
    log_tz: dt.tzinfo,
    codes: Iterable[str] = tuple(PRESSURE_CODES),
    trailing_s: float = 2.0,
) -> PressureReport:
    """Find the pressure codes logged from `start` to `end` plus `trailing_s`.

    The trailing seconds catch a warning the maintenance loop writes just after
    the load ends.
    """
    parsed = parse_error_log(text)
    window_end = end + dt.timedelta(seconds=trailing_s)
    entries = in_window(parsed.entries, start, window_end, log_tz=log_tz)
    return PressureReport(
        window_start=_aware(start, log_tz),
        window_end=_aware(window_end, log_tz),
        entries_in_window=len(entries),
        by_code=group_by_code(entries),
        unparsed_lines=len(parsed.unparsed_lines),
        watched_codes=tuple(codes),
    )


def _aware(moment: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
