"""Expected values of JSON fields in an endpoint's response.

In expectations.yaml a scalar means equality, a list means the observed value
contains every listed item (as list items or as keys of an object), and a mapping
with one operator compares: `{ge: 2}`, `{lt: 250}`, `{ne: error}`.
"""

import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from conformance.expectations.schema import Parsed, RuleError, Where
from conformance.expectations.yamltree import YMapping, YNode, YScalar, YSequence

_ORDERING: dict[str, tuple[str, Callable[[float, float], bool]]] = {
    "lt": ("<", operator.lt),
    "le": ("<=", operator.le),
    "gt": (">", operator.gt),
    "ge": (">=", operator.ge),
}
_OPERATORS = ("eq", "ne", *_ORDERING, "includes")


@dataclass(frozen=True)
class FieldMatcher:
    """One expectation on a response field: an operator and the expected value."""

    operator: str
    expected: object

    def matches(self, observed: object) -> bool:
        """Return whether the observed JSON value meets this expectation."""
        if self.operator == "eq":
            return _same(observed, self.expected)
        if self.operator == "ne":
            return not _same(observed, self.expected)
        if self.operator == "includes":
            return _includes(observed, self.expected)
        if not _is_number(observed):
            return False
        return _ORDERING[self.operator][1](observed, self.expected)

    def describe(self) -> str:
        """Return the expectation as a person reads it, e.g. `>= 2`."""
        if self.operator == "eq":
            return repr(self.expected)
        if self.operator == "ne":
            return f"not {self.expected!r}"
        if self.operator == "includes":
            return f"includes {list(self.expected)!r}"
        return f"{_ORDERING[self.operator][0]} {self.expected!r}"


def _same(observed: object, expected: object) -> bool:
    # JSON true must not pass for 1, nor 1 for true.
    if isinstance(observed, bool) != isinstance(expected, bool):
        return False
    return observed == expected


def _includes(observed: object, expected: object) -> bool:
    if isinstance(observed, dict):
        return all(item in observed for item in expected)
    if isinstance(observed, list):
        return all(any(_same(o, item) for o in observed) for item in expected)
    return False


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def _scalar(node: YNode) -> object:
    if not isinstance(node, YScalar) or not isinstance(
        node.value,
        str | int | float | bool,
    ):
        raise RuleError(
            "contains a value that is not text, a number or true/false",
            "write a plain value",
        )
    return node.value


def _parse_matcher(node: YNode, where: Where) -> FieldMatcher:
    if isinstance(node, YSequence):
        return FieldMatcher("includes", tuple(_scalar(item) for item in node.items))
    if isinstance(node, YScalar):
        return FieldMatcher("eq", _scalar(node))
    return _parse_operator(node)


def _parse_operator(node: YMapping) -> FieldMatcher:
    listed = ", ".join(_OPERATORS)
    if len(node.entries) != 1:
        raise RuleError(
            "must hold exactly one operator",
            f"write one of {listed}, e.g. {{ge: 2}}",
        )
    ((name, entry),) = node.entries.items()
    if name not in _OPERATORS:
        raise RuleError(f"has an unknown operator {name!r}", f"use one of {listed}")
    if name == "includes":
        if not isinstance(entry.value, YSequence):
            raise RuleError(
                "has an includes operator without a list", "write includes: [a, b]"
            )
        return FieldMatcher("includes", tuple(_scalar(i) for i in entry.value.items))
    expected = _scalar(entry.value)
    if name in _ORDERING and not _is_number(expected):
        raise RuleError(
            f"compares with {name} against a value that is not a number",
            f"write a number, e.g. {{{name}: 2}}",
        )
    return FieldMatcher(name, expected)


Matcher = Annotated[FieldMatcher, Parsed(YNode, _parse_matcher)]
