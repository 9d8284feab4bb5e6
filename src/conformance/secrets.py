"""Credentials read by environment variable name, kept out of reports and logs.

API:

- `lookup(name, env_file=None) -> str | None`: a setting that is not secret (a key
  file path, a user name): the process environment first, then the env file.
- `resolve_secret(name, env_file=None) -> Secret | None`: the same lookup for a secret;
  the value is registered before it is returned.
- `Secret`: its repr and str are masked; `reveal()` returns the value.
- `register_secret(value)`: add a value found at run time, such as a session cookie.
- `registered_secrets() -> frozenset[str]`: every value registered in this process.
- `redact(text) -> str`: replace registered values, and common secret shapes (session
  cookies, Authorization headers, password fields, PEM private key blocks), with `***`.
- `read_env_file(path) -> dict[str, str]`: parse `KEY=value` lines.

The registry belongs to one process. Under pytest-xdist every worker has its own, so
a value found in a worker (a session cookie) must be redacted in that worker before
it leaves in a report.

An env file contains `KEY=value` lines. Blank lines and lines starting with `#` are
skipped, `export KEY=value` is accepted, and one pair of matching quotes around the
value is removed. Values are never logged and never shown in error messages.
"""

import json
import logging
import os
import re
import threading
from pathlib import Path
from urllib.parse import quote, quote_plus

from conformance.errors import ExpectationsError

MASK = "***"

log = logging.getLogger(__name__)

_registry: set[str] = set()
_registry_lock = threading.Lock()

_ENV_LINE = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)")

# Shapes that carry a secret whatever its value. Each keeps the name and masks the
# value, so a report still shows that a cookie or header was sent.
_SHAPES = (
    re.compile(
        r"-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----.*?-----END \1PRIVATE KEY-----",
        re.DOTALL,
    ),
    re.compile(r"(?i)(\bauthorization[\"']?\s*[:=]\s*[\"']?)[^\r\n\"',}]+"),
    re.compile(r"(?i)(\b(?:session|sessionid|token|access_token)=)[^;\s&\"',]+"),
    re.compile(r'(?i)("(?:password|passwd|secret)"\s*:\s*")(?:[^"\\]|\\.)*'),
    re.compile(r"(?i)(\b(?:password|passwd)=)[^\s&;\"',]+"),
)


class Secret:
    """A credential whose repr and str are masked; `reveal()` returns the value."""

    __slots__ = ("_value", "name")

    def __init__(self, name: str, value: str) -> None:
        self.name = name
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        """Return the value, for passing to the client that sends it."""
        register_secret(self._value)
        return self._value

    def __repr__(self) -> str:
        return f"Secret({self.name!r}, {MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __reduce__(self):
        # Pickling would carry the value into caches and worker reports.
        raise TypeError(f"Secret {self.name!r} cannot be pickled; pass its name")


def register_secret(value: str) -> None:
    """Add a value that `redact` must hide from now on; blank values are ignored."""
    if not value or not value.strip():
        return
    variants = {
        value,
        json.dumps(value)[1:-1],
        quote(value, safe=""),
        quote_plus(value),
    }
    with _registry_lock:
        _registry.update(variants)


def registered_secrets() -> frozenset[str]:
    """Return every secret value registered in this process, with its escaped forms."""
    with _registry_lock:
        return frozenset(_registry)


def redact(text: str) -> str:
    """Return `text` with registered secrets and common secret shapes masked."""
    for value in sorted(registered_secrets(), key=len, reverse=True):
        text = text.replace(value, MASK)
    text = _SHAPES[0].sub(MASK, text)
    for shape in _SHAPES[1:]:
        text = shape.sub(lambda match: match.group(1) + MASK, text)
    return text


def read_env_file(path: Path) -> dict[str, str]:
    """Parse an env file of `KEY=value` lines; a malformed line raises with its line."""
    values: dict[str, str] = {}
    text = path.read_text(encoding="utf-8")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.fullmatch(line)
        if match is None:
            # The line may hold a secret, so the message leaves it out.
            raise ExpectationsError(
                f"{path}:{number}: line is not KEY=value (got <hidden>); "
                "write KEY=value, with a variable name as KEY"
            )
        values[match.group(1)] = _unquote(match.group(2).strip())
    return values


def lookup(name: str, env_file: Path | None = None) -> str | None:
    """Return the value of variable `name` from the environment, else the env file."""
    value = os.environ.get(name)
    if value:
        log.debug("read %s from the process environment", name)
        return value
    if env_file is None or not env_file.is_file():
        return None
    value = read_env_file(env_file).get(name) or None
    if value is not None:
        log.debug("read %s from %s", name, env_file)
    return value


def resolve_secret(name: str, env_file: Path | None = None) -> Secret | None:
    """Return the secret in variable `name`, registered for redaction, or None."""
    value = lookup(name, env_file)
    return None if value is None else Secret(name, value)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
