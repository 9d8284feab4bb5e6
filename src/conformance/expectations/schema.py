"""Validate a YAML tree against frozen dataclasses, and build them.

The model's dataclasses are the schema. A field's type hint states what the YAML
contains:

- `str`, `int`, `float`, `bool`, `datetime.date`, or a union of them (`int | str`);
  `bool` never passes for a number, and text must not be blank;
- `tuple[T, ...]` for a list, `Mapping[str, T]` for a mapping with free keys, another
  dataclass for a mapping with fixed keys, `T | None` for an optional key;
- `Annotated[T, rule, ...]` adds rules that check or convert the value.

Field metadata: `yaml=False` for fields the loader fills; `key=True` for a field that
receives the mapping key its record sits under; `inherit=True` for an optional field
that takes the value of the same field in the nearest enclosing record; `hidden=True`
to keep the value out of messages, because it may be a secret typed in by mistake.
Dataclasses that subclass `Located` receive the source path and a `LineIndex`.

Every problem raises one ExpectationsError located at the offending key or value.
"""

import dataclasses
import datetime
import difflib
import functools
import math
import operator
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from conformance.expectations.messages import (
    HIDDEN_VALUE,
    Described,
    dotted,
    located_error,
)
from conformance.expectations.yamltree import (
    YEntry,
    YMapping,
    YNode,
    YScalar,
    YSequence,
    kind_name,
)

Path_ = tuple[str | int, ...]


class RuleError(Exception):
    """A value broke a rule; the validator adds the location and the path."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


@dataclass
class Context:
    """State shared while one file is validated."""

    source: str
    base_dir: Path
    lines: dict[Path_, int] = field(default_factory=dict)
    inherited: list[dict[str, Any]] = field(default_factory=list)
    references: list[tuple[str, str, Path_, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Where:
    """The location of the value a rule is checking."""

    context: Context
    path: Path_
    line: int


class LineIndex(Mapping):
    """Line numbers of the values under one record, looked up by key path."""

    def __init__(self, lines: dict[Path_, int], prefix: Path_, source: str) -> None:
        self._lines = lines
        self._prefix = prefix
        self._source = source

    def line(self, *keys: str | int) -> int:
        """Return the line of the value at `keys`, or of its nearest written parent."""
        path = self._prefix + keys
        while path not in self._lines and path:
            path = path[:-1]
        return self._lines.get(path, 1)

    def where(self, *keys: str | int) -> str:
        """Return `FILE:LINE` for the value at `keys`, for failure messages."""
        return f"{self._source}:{self.line(*keys)}"

    def __getitem__(self, keys: Path_) -> int:
        return self._lines[self._prefix + keys]

    def __iter__(self):
        size = len(self._prefix)
        return (p[size:] for p in self._lines if p[:size] == self._prefix)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __repr__(self) -> str:
        return f"LineIndex({dotted(self._prefix)!r} in {self._source!r})"


@dataclass(frozen=True)
class Located:
    """Base of records that remember their file and the lines of their values."""

    source: Path = field(
        default=Path(),
        kw_only=True,
        compare=False,
        repr=False,
        metadata={"yaml": False},
    )
    lines: LineIndex | None = field(
        default=None,
        kw_only=True,
        compare=False,
        repr=False,
        metadata={"yaml": False},
    )

    def where(self, *keys: str | int) -> str:
        """Return `FILE:LINE` of the value at `keys` under this record."""
        if self.lines is None:
            return str(self.source)
        return self.lines.where(*keys)


# Rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """A number between `min` and `max`; `above` is an exclusive lower bound."""

    min: float | None = None
    max: float | None = None
    above: float | None = None

    def apply(self, value: float, where: Where) -> float:
        if isinstance(value, float) and not math.isfinite(value):
            raise RuleError("must be a finite number", f"write {self.describe()}")
        too_low = self.min is not None and value < self.min
        not_above = self.above is not None and value <= self.above
        too_high = self.max is not None and value > self.max
        if too_low or not_above or too_high:
            raise RuleError("is out of range", f"write {self.describe()}")
        return value

    def describe(self) -> str:
        if self.above is not None and self.max is not None:
            return f"a number above {self.above} and at most {self.max}"
        if self.above is not None:
            return f"a number above {self.above}"
        if self.min is not None and self.max is not None:
            return f"a number from {self.min} to {self.max}"
        if self.min is not None:
            return f"a number of at least {self.min}"
        return f"a number of at most {self.max}"


@dataclass(frozen=True)
class Pattern:
    """Text matching a regular expression; `expected` describes the valid form."""

    regex: str
    expected: str

    def apply(self, value: str, where: Where) -> str:
        if re.fullmatch(self.regex, value) is None:
            raise RuleError(
                f"is not {self.expected}",
                f"write {self.expected}",
            )
        return value


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values."""

    choices: tuple[object, ...]

    def apply(self, value: object, where: Where) -> object:
        if value not in self.choices:
            listed = ", ".join(str(choice) for choice in self.choices)
            raise RuleError("is not a supported value", f"use one of: {listed}")
        return value


@dataclass(frozen=True)
class NonEmpty:
    """A list or mapping with at least one entry."""

    def apply(self, value: Any, where: Where) -> Any:
        if len(value) == 0:
            raise RuleError("is empty", "add at least one entry")
        return value


@dataclass(frozen=True)
class ExactKeys:
    """A mapping whose keys are exactly these; checked by the validator."""

    keys: tuple[str, ...]


@dataclass(frozen=True)
class Parsed:
    """Convert a value read as `yaml_type` with `parse`, which raises RuleError."""

    yaml_type: type
    parse: Callable[[Any, Where], Any]


@dataclass(frozen=True)
class Reference:
    """Text naming an entry of another part of the file, checked after loading."""

    kind: str

    def apply(self, value: str, where: Where) -> str:
        where.context.references.append((self.kind, value, where.path, where.line))
        return value


# Validator ---------------------------------------------------------------------

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    datetime.date: "a date (YYYY-MM-DD)",
}


def build(hint: Any, node: YNode, context: Context) -> Any:
    """Validate `node` against `hint` and return the built value."""
    return _Builder(context).value(hint, node, (), hidden=False)


class _Builder:
    def __init__(self, context: Context) -> None:
        self.context = context

    def value(self, hint: Any, node: YNode, path: Path_, *, hidden: bool) -> Any:
        # A mapping entry's path is set to its key's line before its value is built.
        self.context.lines.setdefault(path, node.line)
        base, rules = _split_annotated(hint)
        parsed = next((rule for rule in rules if isinstance(rule, Parsed)), None)
        for rule in rules:
            # Key names are checked before the entries, so a misspelled role is
            # reported as unknown rather than by a problem inside its value.
            if isinstance(rule, ExactKeys):
                self._exact_keys(rule, node, path, hidden)
        built = self._base(parsed.yaml_type if parsed else base, node, path, hidden)
        where = Where(self.context, path, node.line)
        try:
            if parsed is not None:
                built = parsed.parse(built, where)
            for rule in rules:
                if hasattr(rule, "apply"):
                    built = rule.apply(built, where)
        except RuleError as error:
            raise self._error(node, path, error.problem, error.fix, hidden) from None
        return built

    def _base(self, hint: Any, node: YNode, path: Path_, hidden: bool) -> Any:
        if hint is YNode:
            return node
        if dataclasses.is_dataclass(hint):
            return self.record(hint, node, path, key=None)
        origin = typing.get_origin(hint)
        if origin is tuple:
            return self._sequence(typing.get_args(hint)[0], node, path, hidden)
        if origin in (Mapping, dict):
            return self._mapping(typing.get_args(hint), node, path, hidden)
        if origin in (types.UnionType, typing.Union):
            return self._scalar(typing.get_args(hint), node, path, hidden)
        return self._scalar((hint,), node, path, hidden)

    def record(self, cls: type, node: YNode, path: Path_, *, key: str | None) -> Any:
        mapping = self._expect(YMapping, node, path, "a mapping", hidden=False)
        fields = _yaml_fields(cls)
        self._reject_unknown(mapping, path, fields)
        hints = _type_hints(cls)
        values: dict[str, Any] = {}
        pushed: dict[str, Any] = {}
        self.context.inherited.append(pushed)
        try:
            for spec in dataclasses.fields(cls):
                if spec.metadata.get("yaml", True) is False:
                    continue
                if spec.metadata.get("key"):
                    values[spec.name] = key
                    continue
                value = self._field(spec, hints[spec.name], mapping, path)
                values[spec.name] = value
                pushed[spec.name] = value
        finally:
            self.context.inherited.pop()
        if issubclass(cls, Located):
            values["source"] = Path(self.context.source)
            values["lines"] = LineIndex(self.context.lines, path, self.context.source)
        return cls(**values)

    def _field(
        self,
        spec: dataclasses.Field,
        hint: Any,
        mapping: YMapping,
        path: Path_,
    ) -> Any:
        entry = mapping.entries.get(spec.name)
        hidden = bool(spec.metadata.get("hidden"))
        optional, inner = _unwrap_optional(hint)
        has_default = _has_default(spec)
        present = entry is not None and not _is_null(entry.value)
        if present:
            child = (*path, spec.name)
            self.context.lines[child] = entry.key_line
            return self.value(inner, entry.value, child, hidden=hidden)
        if spec.metadata.get("inherit"):
            for enclosing in reversed(self.context.inherited[:-1]):
                if enclosing.get(spec.name) is not None:
                    return enclosing[spec.name]
        if has_default:
            return _default_of(spec)
        if optional:
            return None
        if entry is None:
            where = dotted(path) if path else "the document"
            problem = f"{where} has no key {spec.name!r}"
            line = self.context.lines.get(path, mapping.line)
            self._raise_at(line, problem, sorted(mapping.entries), _add(spec))
        problem = f"{dotted((*path, spec.name))} has no value"
        self._raise_at(entry.value.line, problem, None, _add(spec))

    def _reject_unknown(
        self,
        mapping: YMapping,
        path: Path_,
        allowed: list[str],
    ) -> None:
        for key, entry in mapping.entries.items():
            if key not in allowed:
                self._unknown_key(entry, path, allowed)

    def _unknown_key(self, entry: YEntry, path: Path_, allowed: list[str]) -> None:
        close = difflib.get_close_matches(entry.key, allowed, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        where = f"under {dotted(path)}" if path else "at the top level"
        self._raise_at(
            entry.key_line,
            f"unknown key {entry.key!r} {where}",
            entry.key,
            f"{hint}allowed keys: {', '.join(allowed)}",
        )

    def _exact_keys(
        self,
        rule: ExactKeys,
        node: YNode,
        path: Path_,
        hidden: bool,
    ) -> None:
        mapping = self._expect(YMapping, node, path, "a mapping", hidden)
        self._reject_unknown(mapping, path, list(rule.keys))
        for key in rule.keys:
            if key not in mapping.entries:
                self._raise_at(
                    self.context.lines.get(path, mapping.line),
                    f"{dotted(path)} has no entry {key!r}",
                    sorted(mapping.entries),
                    f"add {key}: with its value; every one of "
                    f"{', '.join(rule.keys)} is required",
                )

    def _sequence(self, item: Any, node: YNode, path: Path_, hidden: bool) -> tuple:
        sequence = self._expect(YSequence, node, path, "a list", hidden)
        return tuple(
            self.value(item, child, (*path, index), hidden=hidden)
            for index, child in enumerate(sequence.items)
        )

    def _mapping(
        self,
        args: tuple,
        node: YNode,
        path: Path_,
        hidden: bool,
    ) -> Mapping:
        mapping = self._expect(YMapping, node, path, "a mapping", hidden)
        key_hint, value_hint = args
        _, key_rules = _split_annotated(key_hint)
        built = {}
        for key, entry in mapping.entries.items():
            self._check_key(key_rules, entry, path)
            child = (*path, key)
            self.context.lines[child] = entry.key_line
            if dataclasses.is_dataclass(value_hint):
                built[key] = self.record(value_hint, entry.value, child, key=key)
            else:
                built[key] = self.value(value_hint, entry.value, child, hidden=hidden)
        return types.MappingProxyType(built)

    def _check_key(self, rules: tuple, entry: YEntry, path: Path_) -> None:
        where = Where(self.context, (*path, entry.key), entry.key_line)
        try:
            for rule in rules:
                rule.apply(entry.key, where)
        except RuleError as error:
            problem = f"key {entry.key!r} under {dotted(path)} {error.problem}"
            self._raise_at(entry.key_line, problem, entry.key, error.fix)

    def _scalar(self, allowed: tuple, node: YNode, path: Path_, hidden: bool) -> Any:
        expected = " or ".join(_TYPE_NAMES.get(kind, str(kind)) for kind in allowed)
        scalar = self._expect(YScalar, node, path, expected, hidden)
        value = scalar.value
        if not any(_scalar_fits(kind, value) for kind in allowed):
            fix = f"write {expected}"
            if str in allowed:
                fix += ' (quote it, e.g. "1.0", to keep it as text)'
            raise self._error(node, path, f"must be {expected}", fix, hidden)
        if isinstance(value, str) and not value.strip():
            raise self._error(node, path, "is blank", "write a value", hidden)
        return value

    def _expect(
        self,
        kind: type,
        node: YNode,
        path: Path_,
        expected: str,
        hidden: bool,
    ) -> Any:
        if isinstance(node, kind):
            return node
        problem = f"must be {expected}, not {kind_name(node)}"
        raise self._error(node, path, problem, f"write {expected} here", hidden)

    def _error(self, node: YNode, path: Path_, problem: str, fix: str, hidden: bool):
        got: object = node.value if isinstance(node, YScalar) else None
        if not isinstance(node, YScalar):
            got = Described(kind_name(node))
        if hidden and isinstance(node, YScalar):
            got = HIDDEN_VALUE
        return located_error(
            self.context.source,
            node.line,
            f"{dotted(path)} {problem}",
            got=got,
            fix=fix,
        )

    def _raise_at(self, line: int, problem: str, got: object, fix: str):
        raise located_error(self.context.source, line, problem, got=got, fix=fix)


@functools.cache
def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, include_extras=True)


def _split_annotated(hint: Any) -> tuple[Any, tuple]:
    if typing.get_origin(hint) is Annotated:
        args = typing.get_args(hint)
        return args[0], tuple(args[1:])
    return hint, ()


def _unwrap_optional(hint: Any) -> tuple[bool, Any]:
    base, rules = _split_annotated(hint)
    if typing.get_origin(base) not in (types.UnionType, typing.Union):
        return False, hint
    members = [arg for arg in typing.get_args(base) if arg is not type(None)]
    if len(members) == len(typing.get_args(base)):
        return False, hint
    inner = functools.reduce(operator.or_, members)
    return True, Annotated[(inner, *rules)] if rules else inner


def _scalar_fits(kind: type, value: object) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is datetime.date:
        return type(value) is datetime.date
    return isinstance(value, kind)


def _is_null(node: YNode) -> bool:
    return isinstance(node, YScalar) and node.value is None


def _yaml_fields(cls: type) -> list[str]:
    return [
        spec.name
        for spec in dataclasses.fields(cls)
        if spec.metadata.get("yaml", True) and not spec.metadata.get("key")
    ]


def _add(spec: dataclasses.Field) -> str:
    return f"add {spec.name}: with a value"


def _has_default(spec: dataclasses.Field) -> bool:
    return (
        spec.default is not dataclasses.MISSING and spec.default is not None
    ) or spec.default_factory is not dataclasses.MISSING


def _default_of(spec: dataclasses.Field) -> Any:
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return spec.default
