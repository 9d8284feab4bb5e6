"""Recent errors: new error_log and journal lines since a change window started.

The runbook's post-change verification ends with "recent error logs". In one SSH
round trip, this check reads the tail of every file that Apache's ErrorLog
directives name and the journal of each service unit since the window start. It
groups the lines by Apache's AH code and by unit, and fails when an error-level
line appeared.

What counts as error-level:

- error_log: Apache levels emerg, alert, crit and error. mod_wsgi logs everything an
  application writes to stderr at level error, so for lines of the `wsgi` module the
  Python logging level inside the message (DEBUG, INFO, WARNING, ERROR, CRITICAL)
  decides when one is present; a wsgi line without one (a traceback, or mod_wsgi's
  own message) counts as an error.
- journal: entries with syslog priority err (3) or more severe.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from conformance.checks.config import apache_config
from conformance.errors import ConformanceError
from conformance.hosts.facts import HostFacts
from conformance.hosts.script import PRELUDE, Section, parse_sections
from conformance.pressure import ErrorLogEntry, in_window, parse_error_log
from conformance.snapshots import latest_snapshot, snapshot_dir, window_start
from conformance.verdict import Case, NotObserved, Observation

APACHE_ERROR_LEVELS = ("emerg", "alert", "crit", "error")
PYTHON_LEVEL = re.compile(r"\b(DEBUG|INFO|WARNING|ERROR|CRITICAL)\b")
PYTHON_ERROR_LEVELS = ("ERROR", "CRITICAL")
# syslog priorities: 0 emerg, 1 alert, 2 crit, 3 err, 4 warning.
JOURNAL_ERROR_PRIORITY = 3
JOURNAL_READ_PRIORITY = "warning"
# Bounds on what one post run reads from the host.
MAX_LOG_LINES = 20000
MAX_JOURNAL_ENTRIES = 5000
SHOWN_LINES = 3
SHOWN_WIDTH = 300
JOURNAL_FIELDS = "PRIORITY,MESSAGE,SYSLOG_IDENTIFIER"
# Printed by journalctl to a user who may not read the system journal.
JOURNAL_LIMITED = ("not seeing messages", "insufficient permissions")


@dataclass
class Group:
    """Lines of one AH code or one unit in the window."""

    count: int = 0
    errors: int = 0
    level: str = ""
    latest: list[str] = field(default_factory=list)

    def add(self, line: str, *, level: str, is_error: bool) -> None:
        self.count += 1
        self.errors += int(is_error)
        if is_error or not self.level:
            self.level = level
        self.latest = [*self.latest, line[:SHOWN_WIDTH]][-SHOWN_LINES:]

    def to_dict(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "errors": self.errors,
            "level": self.level,
            "latest": self.latest,
        }


@dataclass
class RecentErrors:
    """Lines of the window grouped by code and unit, and the sources not read."""

    since: dt.datetime
    until: dt.datetime | None = None
    by_code: dict[str, Group] = field(default_factory=dict)
    by_unit: dict[str, Group] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)

    @property
    def error_lines(self) -> int:
        groups = [*self.by_code.values(), *self.by_unit.values()]
        return sum(group.errors for group in groups)

    def snapshot(self) -> dict[str, Any]:
        return {
            "kind": "recent_errors",
            "since": self.since.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds") if self.until else None,
            "error_lines": self.error_lines,
            "by_code": {k: g.to_dict() for k, g in sorted(self.by_code.items())},
            "by_unit": {k: g.to_dict() for k, g in sorted(self.by_unit.items())},
            "sources": dict(self.sources),
            "unread": list(self.unread),
        }


def parse_since(text: str) -> dt.datetime:
    """Parse --since: epoch seconds (optionally with @) or an ISO 8601 time.

    An ISO time without a UTC offset is taken as the local time of the machine
    running the suite. Raises ConformanceError naming the value and the forms
    accepted.
    """
    value = text.strip().removeprefix("@")
    try:
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return dt.datetime.fromtimestamp(float(value), dt.UTC)
        moment = dt.datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        raise ConformanceError(
            f"--since {text!r} is not a time; give epoch seconds such as 1796400000 "
            "or an ISO 8601 time such as 2026-12-04T15:30:00+00:00"
        ) from None
    return moment if moment.tzinfo else moment.astimezone()


def change_window(config: Any) -> tuple[dt.datetime | None, str]:
    """Return the window start from --since or the latest pre snapshot, and its origin.

    `config` is the pytest config. Without a start, the origin text gives the reason
    and the command to run.
    """
    since = config.getoption("since", None)
    if since:
        return parse_since(since), f"--since {since}"
    from conformance.reporting.plugin import reports_dir_of

    environment = config.getoption("env")
    ticket = config.getoption("ticket", None)
    folder = snapshot_dir(reports_dir_of(config), environment, ticket)
    pre = latest_snapshot(folder, "pre")
    if pre is None:
        return None, (
            f"no pre snapshot in {folder} to start the change window from; run the "
            f"suite with --phase pre and the same --env and --ticket before the "
            "change, or give --since TIME"
        )
    start = window_start(pre)
    if start is None:
        return None, f"{pre} records no start time; give --since TIME"
    return start, f"start of the pre run {pre.name}"


def error_log_paths(facts: HostFacts, apache: Any) -> list[str]:
    """Return the files ErrorLog directives name, made absolute with ServerRoot.

    Piped and syslog targets are not files and are left out. When the config
    cannot be read, the expectations' error_log path is the one used.
    """
    try:
        config = apache_config(facts, apache)
    except NotObserved:
        return [apache.error_log]
    paths = []
    for directive in config.find("ErrorLog"):
        target = directive.args[0] if directive.args else ""
        if not target or target.startswith(("|", "syslog:")) or target == "syslog":
            continue
        if not target.startswith("/"):
            target = f"{config.server_root.rstrip('/')}/{target}"
        if target not in paths:
            paths.append(target)
    return paths or [apache.error_log]


def read_script(*, log_paths: list[str], units: list[str], since: dt.datetime) -> str:
    """Build the script that prints the host clock, log tails and journals."""
    q = shlex.quote
    epoch = int(since.timestamp())
    parts = [
        PRELUDE,
        "mark clock; date +%s; date +%z",
        'seen=" "',
        f"for f in {' '.join(q(p) for p in log_paths)}; do",
        '  r=$(readlink -f -- "$f" 2>/dev/null || echo "$f")',
        '  case "$seen" in *" $r "*) continue ;; esac',
        '  seen="$seen$r "',
        '  mark errorlog "$f"',
        '  if [ ! -e "$f" ]; then echo missing',
        '  elif [ ! -r "$f" ]; then echo unreadable',
        f'  else echo "ok $(wc -l < "$f")"; tail -n {MAX_LOG_LINES} -- "$f"; fi',
        "done",
    ]
    for unit in units:
        options = (
            f"--since @{epoch} -p {JOURNAL_READ_PRIORITY} -n {MAX_JOURNAL_ENTRIES} "
            f"-o json --output-fields={JOURNAL_FIELDS} --no-pager"
        )
        # The runbook's sudo rules allow `journalctl -u UNIT *` and nothing wider,
        # so the unit comes first; a user in systemd-journal needs no sudo.
        parts += [
            f"mark journal {q(unit)}",
            f"if out=$(sudo -n journalctl -u {q(unit)} {options} 2>&1); then",
            '  echo "via sudo -n"; printf "%s\\n" "$out"; status 0',
            f'else echo "via user"; journalctl -u {q(unit)} {options} 2>&1; '
            "status $?; fi",
        ]
    return "\n".join(parts) + "\n"


def read_recent_errors(output: str, since: dt.datetime) -> RecentErrors:
    """Parse the script's output into groups of the lines since `since`."""
    found = RecentErrors(since=since)
    log_tz: dt.tzinfo = dt.UTC
    for section in parse_sections(output):
        if section.name == "clock":
            found.until, log_tz = _clock(section)
        elif section.name == "errorlog":
            _read_error_log(found, section, log_tz)
        elif section.name == "journal":
            _read_journal(found, section)
    return found


def _clock(section: Section) -> tuple[dt.datetime | None, dt.tzinfo]:
    lines = [line.strip() for line in section.lines if line.strip()]
    now = dt.datetime.fromtimestamp(int(lines[0]), dt.UTC) if lines else None
    offset = lines[1] if len(lines) > 1 else "+0000"
    match = re.fullmatch(r"([+-])(\d\d)(\d\d)", offset)
    if not match:
        return now, dt.UTC
    minutes = int(match[2]) * 60 + int(match[3])
    sign = -1 if match[1] == "-" else 1
    return now, dt.timezone(dt.timedelta(minutes=sign * minutes))


def _read_error_log(found: RecentErrors, section: Section, log_tz: dt.tzinfo) -> None:
    path = section.argument
    state, _, total = (section.lines[0] if section.lines else "missing").partition(" ")
    if state != "ok":
        found.unread.append(f"{path}: {_UNREAD_REASONS.get(state, state)}")
        return
    text = "\n".join(section.lines[1:])
    entries = parse_error_log(text).entries
    until = found.until or dt.datetime.now(dt.UTC)
    recent = in_window(entries, found.since, until, log_tz=log_tz)
    found.sources[path] = f"{len(recent)} lines in the window"
    if total.isdigit() and int(total) > MAX_LOG_LINES and entries:
        oldest = entries[0].timestamp.replace(tzinfo=log_tz)
        if oldest > found.since:
            found.sources[path] += (
                f"; only its last {MAX_LOG_LINES} lines were read, from {oldest}"
            )
    for entry in recent:
        key = entry.code or f"{entry.module or 'core'} (no AH code)"
        level = entry_level(entry)
        group = found.by_code.setdefault(key, Group())
        group.add(_entry_text(entry, path), level=level, is_error=is_error(entry))


_UNREAD_REASONS = {
    "missing": "does not exist on the host",
    "unreadable": "is not readable by the SSH user; grant it read access to the "
    "log (for example with group adm) or read it with sudo",
}


def entry_level(entry: ErrorLogEntry) -> str:
    """Return the level of an error_log line, the application's for mod_wsgi."""
    if entry.module == "wsgi":
        match = PYTHON_LEVEL.search(entry.message)
        if match:
            return match[1].lower()
    return entry.level


def is_error(entry: ErrorLogEntry) -> bool:
    """Return True if the line counts as an error (see the module docstring)."""
    if entry.module == "wsgi":
        match = PYTHON_LEVEL.search(entry.message)
        if match:
            return match[1] in PYTHON_ERROR_LEVELS
    return entry.level in APACHE_ERROR_LEVELS


def _entry_text(entry: ErrorLogEntry, path: str) -> str:
    code = f"{entry.code}: " if entry.code else ""
    stamp = entry.timestamp.isoformat(sep=" ", timespec="seconds")
    return f"{stamp} [{entry.module}:{entry.level}] {code}{entry.message} ({path})"


def _read_journal(found: RecentErrors, section: Section) -> None:
    unit = section.argument
    lines = list(section.lines)
    via = lines.pop(0) if lines and lines[0].startswith("via ") else "via ?"
    notes = []
    group = found.by_unit.setdefault(unit, Group())
    for line in lines:
        if line.startswith("@@rc "):
            continue
        entry = _journal_entry(line)
        if entry is None:
            if line.strip():
                notes.append(line.strip())
            continue
        priority, text = entry
        group.add(
            text,
            level=SYSLOG_LEVELS.get(priority, str(priority)),
            is_error=priority <= JOURNAL_ERROR_PRIORITY,
        )
    status = section.exit_status
    limited = any(marker in " ".join(notes) for marker in JOURNAL_LIMITED)
    if status not in (0, None) or limited:
        reason = notes[-1] if notes else f"exit status {status}"
        found.unread.append(f"journalctl -u {unit} ({via}): {reason}")
        return
    found.sources[f"journalctl -u {unit}"] = f"{group.count} entries, {via}"


SYSLOG_LEVELS = {
    0: "emerg",
    1: "alert",
    2: "crit",
    3: "err",
    4: "warning",
    5: "notice",
    6: "info",
    7: "debug",
}


def _journal_entry(line: str) -> tuple[int, str] | None:
    """Return (priority, text) of one `journalctl -o json` line, or None."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    if not isinstance(record, dict):
        return None
    try:
        priority = int(record.get("PRIORITY", 6))
    except (TypeError, ValueError):
        priority = 6
    message = record.get("MESSAGE", "")
    # journald stores a message that is not valid UTF-8 as a list of byte values.
    if isinstance(message, list):
        message = bytes(b for b in message if isinstance(b, int) and 0 <= b < 256)
        message = message.decode("utf-8", errors="replace")
    stamp = _journal_time(record.get("__REALTIME_TIMESTAMP"))
    source = record.get("SYSLOG_IDENTIFIER") or "?"
    return priority, f"{stamp} {source}: {message}"


def _journal_time(micros: Any) -> str:
    try:
        moment = dt.datetime.fromtimestamp(int(micros) / 1e6, dt.UTC)
    except (TypeError, ValueError, OverflowError):
        return "?"
    return moment.isoformat(sep=" ", timespec="seconds")


def observe(
    suite: Any, facts: HostFacts, case: Case, *, since: dt.datetime | None, origin: str
) -> Observation:
    """Read the window's lines from the backend and judge them."""
    if since is None:
        raise NotObserved(origin)
    units = list(case.params["units"])
    paths = error_log_paths(facts, suite.checks.apache)
    script = read_script(log_paths=paths, units=units, since=since)
    try:
        result = suite.host("backend").run(script)
    except (ConformanceError, OSError) as error:
        raise NotObserved(f"the backend could not be read: {error}") from None
    found = read_recent_errors(result.stdout, since)
    return judge(found, paths=paths, units=units, origin=origin)


def judge(
    found: RecentErrors, *, paths: Iterable[str], units: Iterable[str], origin: str
) -> Observation:
    """Turn what the window held into the check's verdict."""
    errors = {
        name: group.errors
        for name, group in [*found.by_code.items(), *found.by_unit.items()]
        if group.errors
    }
    observed: dict[str, Any] = {"error_lines": found.error_lines}
    if errors:
        observed["by_group"] = errors
    if found.unread:
        observed["not read"] = found.unread
    sources = ", ".join([*paths, *(f"journalctl -u {unit}" for unit in units)])
    return Observation(
        ok=not errors and not found.unread,
        expected=f"no error-level lines since {found.since.isoformat()} ({origin})",
        observed=observed,
        where=sources,
        details={"snapshot": found.snapshot()},
    )
