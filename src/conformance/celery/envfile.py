"""Read /etc/conf.d/celery as systemd's EnvironmentFile= reads it, and compare with sh.

Celery's documented systemd unit loads this file with EnvironmentFile=, so the
values the workers get are systemd's reading, the model followed here. systemd
(src/basic/env-file.c) strips quotes and backslashes but never expands $VAR, and
it drops a line such as `export FOO=1` because "export FOO" is not a valid name.
The init.d script sources the same file with sh, which does expand variables, so
every value sh would read differently is reported next to systemd's value.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from conformance.sources import Location

_VALID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SH_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
# Characters a backslash escapes inside double quotes, for sh and for systemd.
_DOUBLE_QUOTE_ESCAPES = '"\\`$'


@dataclasses.dataclass(frozen=True)
class EnvVar:
    """One variable as systemd reads it, and as sh would read it if different."""

    name: str
    value: str
    location: Location
    sh_value: str | None = None  # None when sh reads the same value

    @property
    def at(self) -> str:
        return str(self.location)


@dataclasses.dataclass
class EnvFile:
    """The variables of an environment file, by name, last assignment winning."""

    path: str
    variables: dict[str, EnvVar]
    problems: list[str]

    def get(self, name: str) -> EnvVar | None:
        return self.variables.get(name)


def read_env_file(path: str, text: str) -> EnvFile:
    """Parse text as systemd's EnvironmentFile= does, noting where sh differs."""
    problems: list[str] = []
    variables: dict[str, EnvVar] = {}
    sh_values = _sh_assignments(text, problems, path)
    for name, value, line in _systemd_assignments(text):
        location = Location(path, line)
        if not _VALID_NAME.fullmatch(name):
            problems.append(
                f"{location}: systemd ignores {name!r}, which is not a valid "
                "variable name (write NAME=value without 'export')"
            )
            continue
        sh_value = sh_values.get(name)
        differs = sh_value is not None and sh_value != value
        variables[name] = EnvVar(name, value, location, sh_value if differs else None)
        if differs:
            problems.append(
                f"{location}: systemd reads {name} as {value!r} but sh reads "
                f"{sh_value!r}; systemd's value is what the celery unit uses"
            )
    return EnvFile(path, variables, problems)


def _systemd_assignments(text: str) -> list[tuple[str, str, int]]:
    """Return (name, value, line) per assignment, as parse_env_file_internal() does."""
    parser = _SystemdParser()
    for char in text:
        parser.feed(char)
    parser.finish()
    return parser.assignments


class _SystemdParser:
    def __init__(self) -> None:
        self.assignments: list[tuple[str, str, int]] = []
        self.state = "pre_key"
        self.line = 1
        self.key_line = 1
        self.key = ""
        self.value = ""
        self.value_trailing_blank = -1  # index where trailing blanks start

    def feed(self, char: str) -> None:
        getattr(self, "_" + self.state)(char)
        if char == "\n":
            self.line += 1

    def finish(self) -> None:
        if self.state not in ("pre_key", "key", "comment", "comment_escape"):
            self._push()

    def _push(self) -> None:
        if self.state == "value" and self.value_trailing_blank >= 0:
            self.value = self.value[: self.value_trailing_blank]
        self.assignments.append((self.key.rstrip(" \t"), self.value, self.key_line))
        self.key, self.value, self.state = "", "", "pre_key"

    def _pre_key(self, char: str) -> None:
        if char in "#;":
            self.state = "comment"
        elif not char.isspace():
            self.state, self.key, self.key_line = "key", char, self.line

    def _key(self, char: str) -> None:
        if char == "\n":
            self.state, self.key = "pre_key", ""
        elif char == "=":
            self.state, self.value_trailing_blank = "pre_value", -1
        else:
            self.key += char

    def _pre_value(self, char: str) -> None:
        if char == "\n":
            self._push()
        elif char == "'":
            self.state = "single_quote"
        elif char == '"':
            self.state = "double_quote"
        elif char == "\\":
            self.state = "value_escape"
        elif not char.isspace():
            self.state, self.value = "value", self.value + char

    def _value(self, char: str) -> None:
        if char == "\n":
            self._push()
        elif char == "\\":
            self.state, self.value_trailing_blank = "value_escape", -1
        else:
            if not char.isspace():
                self.value_trailing_blank = -1
            elif self.value_trailing_blank < 0:
                self.value_trailing_blank = len(self.value)
            self.value += char

    def _value_escape(self, char: str) -> None:
        self.state = "value"
        if char != "\n":
            self.value += char

    def _single_quote(self, char: str) -> None:
        if char == "'":
            self.state = "pre_value"
        else:
            self.value += char

    def _double_quote(self, char: str) -> None:
        if char == '"':
            self.state = "pre_value"
        elif char == "\\":
            self.state = "double_quote_escape"
        else:
            self.value += char

    def _double_quote_escape(self, char: str) -> None:
        self.state = "double_quote"
        if char in _DOUBLE_QUOTE_ESCAPES:
            self.value += char
        elif char != "\n":
            self.value += "\\" + char

    def _comment(self, char: str) -> None:
        if char == "\\":
            self.state = "comment_escape"
        elif char == "\n":
            self.state = "pre_key"

    def _comment_escape(self, char: str) -> None:
        # Since systemd 254 a backslash does not continue a comment line.
        self.state = "pre_key" if char == "\n" else "comment"


def _sh_assignments(text: str, problems: list[str], path: str) -> dict[str, str]:
    """Return the values a POSIX sh would assign when it sources the file.

    Covers what such files contain: NAME=word assignments, optionally after
    `export`, quotes, backslashes, $NAME and ${NAME} expansion, and comments.
    A line that runs a command is reported and skipped.
    """
    values: dict[str, str] = {}
    for line_number, words in _sh_lines(text):
        if words and words[0] == "export":
            words = words[1:]
        for raw in words:
            match = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)=(.*)", raw, re.DOTALL)
            if match is None:
                problems.append(
                    f"{Location(path, line_number)}: sh would run {raw!r} as a "
                    "command when it sources this file; quote values with blanks"
                )
                break
            values[match.group(1)] = _sh_expand(match.group(2), values)
    return values


def _sh_lines(text: str) -> list[tuple[int, list[str]]]:
    """Split text into sh words per command line, keeping expansion markers.

    Each word is returned in a private form: quoted parts that sh must not expand
    are wrapped in \\x00 markers, so _sh_expand() can skip them.
    """
    lines: list[tuple[int, list[str]]] = []
    words: list[str] = []
    word, in_word, start_line, line = "", False, 1, 1
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] == "\n":
            index, line = index + 2, line + 1
            continue
        if char == "#" and not in_word:
            index = text.find("\n", index)
            index = len(text) if index < 0 else index
            continue
        if char in " \t\n;":
            if in_word:
                words.append(word)
                word, in_word = "", False
            if char in "\n;" and words:
                lines.append((start_line, words))
                words = []
            line += char == "\n"
            index += 1
            continue
        if not in_word and not words:
            start_line = line
        in_word = True
        piece, index, line = _sh_piece(text, index, line)
        word += piece
    if in_word:
        words.append(word)
    if words:
        lines.append((start_line, words))
    return lines


def _sh_piece(text: str, index: int, line: int) -> tuple[str, int, int]:
    char = text[index]
    if char == "'":
        end = text.find("'", index + 1)
        end = len(text) if end < 0 else end
        body = text[index + 1 : end]
        return "\x00" + body + "\x00", end + 1, line + body.count("\n")
    if char == '"':
        return _sh_double_quoted(text, index, line)
    if char == "\\" and index + 1 < len(text):
        return "\x00" + text[index + 1] + "\x00", index + 2, line
    return char, index + 1, line


def _sh_double_quoted(text: str, index: int, line: int) -> tuple[str, int, int]:
    out = ""
    index += 1
    while index < len(text) and text[index] != '"':
        char = text[index]
        following = text[index + 1 : index + 2]
        if char == "\\" and following in _DOUBLE_QUOTE_ESCAPES + "\n":
            out += "" if following == "\n" else "\x00" + following + "\x00"
            index += 2
            continue
        out += char
        line += char == "\n"
        index += 1
    return out, index + 1, line


def _sh_expand(word: str, values: Mapping[str, str]) -> str:
    parts = word.split("\x00")
    out = []
    for position, part in enumerate(parts):
        literal = position % 2 == 1
        if literal:
            out.append(part)
        else:
            out.append(
                _SH_VARIABLE.sub(
                    lambda m: values.get(m.group(1) or m.group(2), ""), part
                )
            )
    return "".join(out)
