"""The lexical layer of httpd's config reader: logical lines, words and ${VAR}.

Each function mirrors one routine of Apache httpd 2.4's server/util.c or
server/config.c, so a value reads here exactly as httpd reads it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LEADING_INT = re.compile(r"\s*([+-]?\d+)")


@dataclasses.dataclass(frozen=True)
class LogicalLine:
    """One config line after continuations are joined and whitespace trimmed."""

    text: str
    line: int  # 1-based number of the first physical line


def logical_lines(text: str) -> Iterator[LogicalLine]:
    """Yield the non-empty logical lines of a config file.

    A line continues onto the next one when it ends in a single backslash right
    before the newline, the rule of ap_cfg_getline(). A doubled backslash, or a
    backslash followed by a space, does not continue the line. The backslash is
    dropped and the next line is appended unchanged, leading blanks included.
    """
    physical = text.split("\n")
    index = 0
    while index < len(physical):
        first = index + 1
        joined, index = _join_continuations(physical, index)
        stripped = joined.strip()
        if stripped:
            yield LogicalLine(stripped, first)


def _join_continuations(physical: list[str], index: int) -> tuple[str, int]:
    joined = ""
    while True:
        line = physical[index].removesuffix("\r")
        index += 1
        continues = line.endswith("\\") and not line.endswith("\\\\")
        if not continues or index >= len(physical):
            return joined + line, index
        joined += line[:-1]


def is_comment(line: LogicalLine) -> bool:
    """Return True for a comment, which httpd recognises only at the start of a line."""
    return line.text.startswith("#")


def split_words(text: str) -> list[str]:
    """Split directive arguments the way ap_getword_conf() does.

    A word may be wrapped in double or single quotes. Inside quotes a backslash
    escapes the quote character and a backslash; elsewhere only a doubled
    backslash collapses. An unterminated quote runs to the end of the line.
    """
    words = []
    rest = text
    while True:
        word, rest = next_word(rest)
        if word is None:
            return words
        words.append(word)


def next_word(text: str) -> tuple[str | None, str]:
    """Return the first word of text and the text after it, or None at the end."""
    text = text.lstrip()
    if not text:
        return None, ""
    quote = text[0] if text[0] in "\"'" else ""
    end = _word_end(text, quote)
    body = text[1:end] if quote else text[:end]
    after = end + 1 if quote and end < len(text) else end
    return _unescape(body, quote), text[after:].lstrip()


def _word_end(text: str, quote: str) -> int:
    if not quote:
        match = re.search(r"\s", text)
        return match.start() if match else len(text)
    position = 1
    while position < len(text) and text[position] != quote:
        escaped = text[position] == "\\" and text[position + 1 : position + 2]
        position += 2 if escaped in (quote, "\\") else 1
    return min(position, len(text))


def _unescape(body: str, quote: str) -> str:
    out = []
    position = 0
    while position < len(body):
        char = body[position]
        following = body[position + 1 : position + 2]
        if char == "\\" and (following == "\\" or (quote and following == quote)):
            out.append(following)
            position += 2
        else:
            out.append(char)
            position += 1
    return "".join(out)


def resolve_variables(
    text: str,
    lookup: Callable[[str], str | None],
) -> tuple[str, list[str]]:
    """Replace ${NAME} the way ap_resolve_env() does, before the line is split.

    A name that lookup() does not know stays in the text unchanged, as httpd
    leaves it (logging AH00111). Return the new text and the unknown names.
    """
    unknown: list[str] = []

    def replace(match: re.Match[str]) -> str:
        value = lookup(match.group(1))
        if value is None:
            unknown.append(match.group(1))
            return match.group(0)
        return value

    return _VARIABLE.sub(replace, text), unknown


def atoi(text: str) -> int:
    """Convert text to int like C's atoi(): leading digits count, the rest is ignored.

    httpd reads every MPM number with atoi(), so "150abc" is 150 and "abc" is 0.
    """
    match = _LEADING_INT.match(text)
    return int(match.group(1)) if match else 0


def is_clean_int(text: str) -> bool:
    """Return True when atoi() reads the whole text, so nothing is silently dropped."""
    return re.fullmatch(r"[+-]?\d+", text) is not None
