"""Value types of expectations.yaml, as `Annotated` hints the schema validator reads."""

import ipaddress
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

from conformance.expectations.schema import (
    NonEmpty,
    OneOf,
    Parsed,
    Pattern,
    Range,
    Reference,
    RuleError,
    Where,
)

Port = Annotated[int, Range(min=1, max=65535)]
PositiveInt = Annotated[int, Range(min=1)]
PositiveNumber = Annotated[float, Range(above=0)]
Fraction = Annotated[float, Range(min=0, max=1)]
HttpStatus = Annotated[int, Range(min=100, max=599)]

SectionRef = Annotated[
    str,
    Pattern(r"\d+(\.\d+)*", 'a runbook section number such as "4.1"'),
    Reference("runbook section"),
]
SectionNumber = Annotated[
    str,
    Pattern(r"\d+(\.\d+)*", 'a quoted section number such as "4.1"'),
]
AbsolutePath = Annotated[str, Pattern(r"/\S*", "an absolute path such as /etc/x.conf")]
UrlPath = Annotated[str, Pattern(r"/\S*", "a URL path starting with /")]
EnvVarName = Annotated[
    str,
    Pattern(r"[A-Za-z_][A-Za-z0-9_]*", "an environment variable name such as LAB_KEY"),
]
Identifier = Annotated[
    str,
    Pattern(r"[A-Za-z0-9_][A-Za-z0-9_.@:-]*", "a name of letters, digits, _ . @ : -"),
]
HostName = Annotated[
    str,
    Pattern(
        r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
        r"(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*",
        "a DNS name such as backend.example.test",
    ),
]
UserName = Annotated[
    str,
    Pattern(r"[a-z_][a-z0-9_-]*\$?", "a Unix user name such as apache"),
]
CookieName = Annotated[
    str,
    Pattern(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", "a cookie name such as session"),
]
ApacheCode = Annotated[str, Pattern(r"AH\d{5}", "an Apache message code like AH10159")]
ModuleId = Annotated[str, Pattern(r"\w+_module", "a module id such as wsgi_module")]
MpmName = Annotated[str, OneOf(("event", "worker", "prefork"))]
DirectiveName = Annotated[str, Pattern(r"[A-Za-z]\w*", "an Apache directive name")]
OptionName = Annotated[
    str,
    Pattern(
        r"[a-z][a-z0-9-]*", "an option name without leading dashes, such as time-limit"
    ),
]
Version = Annotated[str, Pattern(r"\d+(\.\d+)*", 'a quoted version such as "1.0.0"')]


def _parse_address(text: str, where: Where) -> str:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        raise RuleError(
            "is not an IP address",
            "write an IPv4 or IPv6 address such as 127.0.10.10",
        ) from None


def _parse_network(text: str, where: Where) -> ipaddress.IPv4Network:
    try:
        return ipaddress.ip_network(text, strict=True)
    except ValueError as error:
        raise RuleError(
            f"is not a network in CIDR form: {error}",
            "write the network address and prefix, such as 127.0.10.0/24",
        ) from None


def _parse_url(text: str, where: Where) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RuleError(
            "is not an http or https URL with a host",
            "write a URL such as https://backend.example.test",
        )
    if parts.username or parts.password:
        raise RuleError(
            "contains a user name or password",
            "remove them; give credentials by environment variable names",
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise RuleError(
            "has a path, query or fragment",
            "write only the scheme, host and port; the checks add the paths",
        )
    try:
        parts.port  # noqa: B018 - urlsplit validates the port on access
    except ValueError:
        raise RuleError("has an invalid port", "write a port from 1 to 65535") from None
    return text.rstrip("/")


def _parse_relative_file(text: str, where: Where) -> Path:
    path = Path(text)
    if path.is_absolute():
        return path
    return where.context.base_dir / path


IPAddressText = Annotated[str, Parsed(str, _parse_address)]
IPNetwork = Annotated[
    ipaddress.IPv4Network | ipaddress.IPv6Network,
    Parsed(str, _parse_network),
]
Networks = Annotated[tuple[IPNetwork, ...], NonEmpty()]
HttpUrl = Annotated[str, Parsed(str, _parse_url)]
# A path relative to the folder of the expectations file.
RelativeFile = Annotated[Path, Parsed(str, _parse_relative_file)]
