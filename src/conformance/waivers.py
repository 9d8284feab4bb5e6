"""Waivers: accepted failures of named checks, each with a reason, an owner and an end.

A waivers file reads like this::

    waivers:
      - check: apache:event:MaxRequestWorkers
        justification: Raised to 200 for the load test in CHG-1234, reverted after
        owner: ops-oncall@example.com
        expires: 2026-04-30

A waiver is in force up to and including its `expires` date (the local date of the
machine running the suite). A failure of a waived check is reported as waived and
does not fail the run. A waiver past its date fails the run whatever the check does,
so that it gets removed or renewed.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

from conformance.errors import ExpectationsError
from conformance.expectations.messages import located_error
from conformance.expectations.yamltree import (
    YMapping,
    YNode,
    YScalar,
    YSequence,
    kind_name,
    parse_yaml,
)

WAIVER_KEYS = ("check", "justification", "owner", "expires")


@dataclasses.dataclass(frozen=True)
class Waiver:
    """One accepted failure of one check, read from `where` (file:line)."""

    check_id: str
    justification: str
    owner: str
    expires: date
    where: str

    def is_expired(self, today: date) -> bool:
        return today > self.expires

    def as_dict(self) -> dict[str, str]:
        return {
            "check_id": self.check_id,
            "justification": self.justification,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "where": self.where,
        }


def load_waivers(path: Path) -> dict[str, Waiver]:
    """Read and validate a waivers file; return the waivers keyed by check id.

    Raises ExpectationsError with file:line and the fix for unreadable files,
    invalid YAML, unknown or missing keys, wrong types and duplicate check ids.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ExpectationsError(
            f"{path}: cannot read the waivers file ({error.strerror}); "
            "check the path given to --waivers"
        ) from None
    except UnicodeDecodeError:
        raise ExpectationsError(
            f"{path}: the waivers file is not UTF-8 text; save it as UTF-8"
        ) from None
    return parse_waivers(text, str(path))


def parse_waivers(text: str, source: str) -> dict[str, Waiver]:
    """Validate waivers YAML text read from `source`; see load_waivers."""
    root = parse_yaml(text, source)
    if root is None:
        raise located_error(
            source,
            1,
            "the waivers file is empty",
            got="",
            fix="write `waivers: []` for no waivers, or list them under `waivers:`",
        )
    entries = _waiver_list(root, source)
    waivers: dict[str, Waiver] = {}
    for node in entries.items:
        waiver = _waiver(node, source)
        if waiver.check_id in waivers:
            first = waivers[waiver.check_id].where
            raise located_error(
                source,
                node.line,
                f"second waiver for check {waiver.check_id!r}, first at {first}",
                got=waiver.check_id,
                fix="keep one waiver per check id",
            )
        waivers[waiver.check_id] = waiver
    return waivers


def _waiver_list(root: YNode, source: str) -> YSequence:
    if not isinstance(root, YMapping):
        raise located_error(
            source,
            root.line,
            f"the waivers file must be a mapping with the key `waivers`, "
            f"not {kind_name(root)}",
            got=_shown(root),
            fix="start the file with `waivers:` and list the waivers under it",
        )
    for key, entry in root.entries.items():
        if key != "waivers":
            raise located_error(
                source,
                entry.key_line,
                f"unknown top-level key {key!r}",
                got=key,
                fix="the only top-level key is `waivers`",
            )
    if "waivers" not in root.entries:
        raise located_error(
            source,
            root.line,
            "missing key `waivers`",
            got=sorted(root.entries),
            fix="list the waivers under `waivers:`",
        )
    entries = root.entries["waivers"].value
    if not isinstance(entries, YSequence):
        raise located_error(
            source,
            entries.line,
            f"`waivers` must be a list, not {kind_name(entries)}",
            got=_shown(entries),
            fix="write each waiver as a list item starting with `- check:`",
        )
    return entries


def _waiver(node: YNode, source: str) -> Waiver:
    if not isinstance(node, YMapping):
        raise located_error(
            source,
            node.line,
            f"a waiver must be a mapping, not {kind_name(node)}",
            got=_shown(node),
            fix=f"give each waiver the keys {', '.join(WAIVER_KEYS)}",
        )
    for key, entry in node.entries.items():
        if key not in WAIVER_KEYS:
            raise located_error(
                source,
                entry.key_line,
                f"unknown waiver key {key!r}",
                got=key,
                fix=f"use only the keys {', '.join(WAIVER_KEYS)}",
            )
    for key in WAIVER_KEYS:
        if key not in node.entries:
            raise located_error(
                source,
                node.line,
                f"waiver is missing the key {key!r}",
                got=sorted(node.entries),
                fix=f"add `{key}:` to the waiver",
            )
    return Waiver(
        check_id=_text(node, "check", source),
        justification=_text(node, "justification", source),
        owner=_text(node, "owner", source),
        expires=_date(node, source),
        where=f"{source}:{node.line}",
    )


def _text(node: YMapping, key: str, source: str) -> str:
    value = node.entries[key].value
    if not isinstance(value, YScalar) or not isinstance(value.value, str):
        raise located_error(
            source,
            value.line,
            f"`{key}` must be text",
            got=_shown(value),
            fix=f"write `{key}:` followed by text, quoted if it looks like a number",
        )
    if not value.value.strip():
        raise located_error(
            source,
            value.line,
            f"`{key}` is empty",
            got=value.value,
            fix=f"fill in `{key}`",
        )
    return value.value.strip()


def _date(node: YMapping, source: str) -> date:
    value = node.entries["expires"].value
    raw = value.value if isinstance(value, YScalar) else None
    if isinstance(raw, str):
        try:
            raw = date.fromisoformat(raw.strip())
        except ValueError:
            raw = None
    if isinstance(raw, datetime) or not isinstance(raw, date):
        raise located_error(
            source,
            value.line,
            "`expires` must be a date written as YYYY-MM-DD",
            got=_shown(value),
            fix="write the last day the waiver applies, e.g. `expires: 2026-04-30`",
        )
    return raw


def _shown(node: YNode) -> object:
    return node.value if isinstance(node, YScalar) else kind_name(node)
