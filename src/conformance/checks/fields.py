"""Match a JSON body against the fields an expectation lists.

The rules follow goss: a scalar must be equal, a list must be contained (as keys of a
mapping, items of a list, or the items' "name"), and a mapping is an operator such as
``{ge: 2}``. Each mismatch is one readable line.
"""

from __future__ import annotations

import operator
from typing import Any

OPERATORS = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
}


def mismatches(expected: dict[str, Any], body: Any) -> list[str]:
    """Return one line per expected field the body does not satisfy."""
    if not expected:
        return []
    if not isinstance(body, dict):
        return [f"body is not a JSON object (got {type(body).__name__})"]
    found = []
    for key, rule in expected.items():
        if key not in body:
            found.append(f"{key}: missing")
            continue
        problem = field_mismatch(rule, body[key])
        if problem:
            found.append(f"{key}: {problem}")
    return found


def field_mismatch(rule: Any, value: Any) -> str | None:
    if isinstance(rule, dict):
        for name, bound in rule.items():
            compare = OPERATORS[name]
            try:
                ok = compare(value, bound)
            except TypeError:
                ok = False
            if not ok:
                return f"expected {name} {bound!r}, got {value!r}"
        return None
    if isinstance(rule, list):
        names = contained_names(value)
        missing = [item for item in rule if item not in names]
        return f"missing {missing} (has {sorted(map(str, names))})" if missing else None
    if value != rule:
        return f"expected {rule!r}, got {value!r}"
    return None


def contained_names(value: Any) -> set[Any]:
    if isinstance(value, dict):
        return set(value)
    if isinstance(value, list):
        return {item.get("name") if isinstance(item, dict) else item for item in value}
    return set()
