"""mod_wsgi daemon groups and the group that serves each WSGIScriptAlias.

Options are parsed as mod_wsgi 4.x/5.x parses them (wsgi_parse_option() and
wsgi_add_daemon_process() in its src/server sources): each option is name=value
with no blanks around '=', the value may be quoted as httpd quotes words, options
may come in any order, a repeated option keeps its last value, and an unknown
option stops httpd with "Invalid option to WSGI daemon process definition".
"""

from __future__ import annotations

import dataclasses
import posixpath
from typing import Any

from conformance.apache.config import ApacheConfig, Directive
from conformance.apache.lines import atoi, next_word
from conformance.sources import config_error

# Every option mod_wsgi's WSGIDaemonProcess accepts (4.9 and 5.x sources).
DAEMON_OPTIONS = frozenset(
    {
        "user",
        "group",
        "supplementary-groups",
        "processes",
        "threads",
        "umask",
        "chroot",
        "home",
        "lang",
        "locale",
        "python-home",
        "python-path",
        "python-eggs",
        "stack-size",
        "maximum-requests",
        "startup-timeout",
        "shutdown-timeout",
        "deadlock-timeout",
        "inactivity-timeout",
        "request-timeout",
        "graceful-timeout",
        "eviction-timeout",
        "restart-interval",
        "connect-timeout",
        "socket-timeout",
        "queue-timeout",
        "socket-user",
        "listen-backlog",
        "display-name",
        "send-buffer-size",
        "receive-buffer-size",
        "header-buffer-size",
        "response-buffer-size",
        "response-socket-timeout",
        "script-user",
        "script-group",
        "cpu-time-limit",
        "cpu-priority",
        "memory-limit",
        "virtual-memory-limit",
        "server-metrics",
    }
)
# Options mod_wsgi reads with atoi() and rejects when negative.
_NON_NEGATIVE = frozenset(
    {
        "maximum-requests",
        "startup-timeout",
        "shutdown-timeout",
        "deadlock-timeout",
        "inactivity-timeout",
        "request-timeout",
        "graceful-timeout",
        "eviction-timeout",
        "restart-interval",
        "connect-timeout",
        "socket-timeout",
        "queue-timeout",
        "listen-backlog",
        "response-socket-timeout",
        "cpu-time-limit",
        "memory-limit",
        "virtual-memory-limit",
    }
)
ALIAS_OPTIONS = frozenset(
    {"application-group", "process-group", "callable-object", "pass-authorization"}
)
DEFAULT_PROCESSES = 1
DEFAULT_THREADS = 15


@dataclasses.dataclass(frozen=True)
class WsgiOption:
    """One name=value option and the directive that set it."""

    value: str
    at: str


@dataclasses.dataclass
class DaemonGroup:
    """A WSGIDaemonProcess definition."""

    name: str
    at: str
    options: dict[str, WsgiOption]
    repeated: list[str]  # options given more than once; the last one wins
    virtual_host: str | None  # "<VirtualHost *:443>" when defined inside one

    @property
    def processes(self) -> int:
        option = self.options.get("processes")
        return atoi(option.value) if option else DEFAULT_PROCESSES

    @property
    def threads(self) -> int:
        option = self.options.get("threads")
        return atoi(option.value) if option else DEFAULT_THREADS

    @property
    def multiprocess(self) -> bool:
        """Return True when `processes` is given at all, even as processes=1.

        mod_wsgi then reports wsgi.multiprocess as True to the application.
        """
        return "processes" in self.options

    @property
    def display_name(self) -> str | None:
        option = self.options.get("display-name")
        if option is None:
            return None
        if option.value == "%{GROUP}":
            return f"(wsgi:{self.name})"
        return option.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "at": self.at,
            "virtual_host": self.virtual_host,
            "options": {
                key: {"value": option.value, "at": option.at}
                for key, option in self.options.items()
            },
            "repeated_options": self.repeated,
            "effective": {
                "processes": self.processes,
                "threads": self.threads,
                "multiprocess": self.multiprocess,
                "display_name": self.display_name,
                "processes_source": _source(self.options, "processes"),
                "threads_source": _source(self.options, "threads"),
            },
        }


@dataclasses.dataclass
class ScriptAlias:
    """A WSGIScriptAlias and the process group its requests run in."""

    url: str
    script: str
    at: str
    options: dict[str, str]
    group: str  # "" for embedded mode in the Apache child processes
    group_set_at: str | None  # where the deciding directive is; None for the default
    group_rule: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "script": self.script,
            "at": self.at,
            "options": self.options,
            "process_group": self.group,
            "mode": "daemon" if self.group else "embedded",
            "process_group_set_at": self.group_set_at,
            "process_group_rule": self.group_rule,
        }


@dataclasses.dataclass
class WsgiConfig:
    """All mod_wsgi settings that decide where the application runs."""

    groups: dict[str, DaemonGroup]
    aliases: list[ScriptAlias]
    problems: list[str]

    def serving_groups(self) -> list[DaemonGroup]:
        """Return the daemon groups that at least one WSGIScriptAlias runs in."""
        names = {alias.group for alias in self.aliases}
        return [group for name, group in self.groups.items() if name in names]

    def to_dict(self) -> dict[str, Any]:
        return {
            "daemon_groups": [group.to_dict() for group in self.groups.values()],
            "script_aliases": [alias.to_dict() for alias in self.aliases],
            "problems": self.problems,
        }


def read_wsgi(config: ApacheConfig) -> WsgiConfig:
    """Collect the mod_wsgi directives of an Apache config read by the reader."""
    groups: dict[str, DaemonGroup] = {}
    aliases: list[ScriptAlias] = []
    problems: list[str] = []
    for directive in config.directives:
        if directive.key == "wsgidaemonprocess":
            group = parse_daemon_process(directive)
            _check_unique(group, groups, directive)
            groups[group.name] = group
        elif directive.key in ("wsgiscriptalias", "wsgiscriptaliasmatch"):
            aliases.append(_parse_alias(directive, config, groups))
    for alias in aliases:
        if alias.group and alias.group not in groups and "%{" not in alias.group:
            problems.append(
                f"{alias.at}: requests for {alias.url} go to process group "
                f"{alias.group!r}, but no WSGIDaemonProcess defines it"
            )
    return WsgiConfig(groups, aliases, problems)


def parse_daemon_process(directive: Directive) -> DaemonGroup:
    """Parse one WSGIDaemonProcess line; raise ConfigParseError as mod_wsgi would."""
    name, rest = next_word(directive.raw_args)
    if not name:
        raise config_error(
            directive.location,
            "WSGIDaemonProcess has no group name",
            "write `WSGIDaemonProcess NAME processes=N threads=N`",
        )
    options, repeated = _parse_options(rest, directive, DAEMON_OPTIONS)
    for key, option in options.items():
        _check_value(key, option.value, directive)
    vhost = directive.enclosing("VirtualHost")
    return DaemonGroup(
        name=name,
        at=directive.at,
        options=options,
        repeated=repeated,
        virtual_host=f"<VirtualHost {vhost.arg}>" if vhost else None,
    )


def _parse_options(
    text: str,
    directive: Directive,
    allowed: frozenset[str],
) -> tuple[dict[str, WsgiOption], list[str]]:
    options: dict[str, WsgiOption] = {}
    repeated: list[str] = []
    rest = text.strip()
    while rest:
        key, rest = _split_option(rest, directive)
        if key not in allowed:
            raise config_error(
                directive.location,
                f"{directive.name} does not accept option {key!r}, so httpd "
                "refuses to start",
                f"use one of the options mod_wsgi documents; check the spelling "
                f"of {key!r}",
            )
        value, rest = next_word(rest)
        if key in options:
            repeated.append(key)
        options[key] = WsgiOption(value or "", directive.at)
    return options, repeated


def _split_option(text: str, directive: Directive) -> tuple[str, str]:
    end = 0
    while end < len(text) and text[end] != "=" and not text[end].isspace():
        end += 1
    if end == 0 or end >= len(text) or text[end] != "=":
        word = text.split()[0]
        raise config_error(
            directive.location,
            f"{directive.name} option {word!r} is not of the form name=value",
            "remove the blanks around '=' and give each option a value",
        )
    return text[:end], text[end + 1 :]


def _check_value(key: str, value: str, directive: Directive) -> None:
    number = atoi(value)
    if key == "processes" and (not value or number < 1):
        problem = f"processes={value!r} is not a process count of 1 or more"
    elif key == "threads" and (not value or number < 0):
        problem = f"threads={value!r} is not a thread count"
    elif key in _NON_NEGATIVE and (not value or number < 0):
        problem = f"{key}={value!r} must be a number of 0 or more"
    else:
        return
    raise config_error(
        directive.location,
        f"WSGIDaemonProcess {problem}, so httpd refuses to start",
        f"set {key} to a whole number",
    )


def _check_unique(
    group: DaemonGroup,
    groups: dict[str, DaemonGroup],
    directive: Directive,
) -> None:
    if group.name in groups:
        raise config_error(
            directive.location,
            f"WSGIDaemonProcess {group.name!r} is already defined at "
            f"{groups[group.name].at}, so httpd refuses to start",
            "give each daemon group its own name",
        )


def _parse_alias(
    directive: Directive,
    config: ApacheConfig,
    groups: dict[str, DaemonGroup],
) -> ScriptAlias:
    url, rest = next_word(directive.raw_args)
    script, rest = next_word(rest)
    if not url or not script:
        raise config_error(
            directive.location,
            f"{directive.name} needs a URL path and a script path",
            f"write `{directive.name} / /var/www/app/wsgi.py`",
        )
    parsed, _ = _parse_options(rest, directive, ALIAS_OPTIONS)
    options = {key: option.value for key, option in parsed.items()}
    _check_alias_group(directive, options, groups)
    group, set_at, rule = _resolve_group(directive, url, script, options, config)
    return ScriptAlias(url, script, directive.at, options, group, set_at, rule)


def _check_alias_group(
    directive: Directive,
    options: dict[str, str],
    groups: dict[str, DaemonGroup],
) -> None:
    # mod_wsgi preloads the script when both groups are named, and then needs the
    # daemon group to be defined above the alias.
    group = options.get("process-group", "")
    if not group or "application-group" not in options or "%{" in group:
        return
    if group not in groups:
        raise config_error(
            directive.location,
            f"process-group={group!r} is used before any WSGIDaemonProcess defines "
            "it, so httpd refuses to start",
            "move the WSGIDaemonProcess line above this alias",
        )


def _resolve_group(
    alias: Directive,
    url: str,
    script: str,
    options: dict[str, str],
    config: ApacheConfig,
) -> tuple[str, str | None, str]:
    """Return the process group, where it was set, and the rule that chose it.

    The process-group= option of the alias wins. Otherwise the WSGIProcessGroup
    httpd merges for the request applies: a matching <Location> over a matching
    <Directory> (longest path wins) over the <VirtualHost> over the server level.
    """
    if "process-group" in options:
        return _group_name(options["process-group"]), alias.at, "process-group option"
    best: tuple[tuple[int, int], int, Directive] | None = None
    for order, directive in enumerate(config.find("WSGIProcessGroup")):
        rank = _applies(directive, alias, url, script)
        if rank is not None and (best is None or (rank, order) > best[:2]):
            best = (rank, order, directive)
    if best is None:
        return "", None, "no WSGIProcessGroup applies, so mod_wsgi runs embedded"
    directive = best[2]
    group = _group_name(directive.args[0] if directive.args else "")
    return group, directive.at, f"WSGIProcessGroup {_scope(directive)}"


_RANK_SERVER, _RANK_VHOST, _RANK_DIRECTORY, _RANK_LOCATION = 0, 1, 2, 3


def _applies(
    directive: Directive,
    alias: Directive,
    url: str,
    script: str,
) -> tuple[int, int] | None:
    """Return how specific a WSGIProcessGroup is for this alias, or None if it is not.

    The rank is (section kind, path length), so a longer <Directory> wins.
    """
    alias_vhost = alias.enclosing("VirtualHost")
    vhost = directive.enclosing("VirtualHost")
    if vhost is not None and vhost != alias_vhost:
        return None
    location = directive.enclosing("Location")
    if location is not None:
        return (_RANK_LOCATION, 0) if _path_under(url, location.arg) else None
    folder = directive.enclosing("Directory")
    if folder is not None:
        if not _path_under(posixpath.dirname(script), folder.arg):
            return None
        # NOTE: regex sections (<DirectoryMatch>, <Directory ~>) are not matched.
        return (_RANK_DIRECTORY, len(folder.arg.rstrip("/")))
    return (_RANK_VHOST, 0) if vhost is not None else (_RANK_SERVER, 0)


def _path_under(path: str, section_arg: str) -> bool:
    prefix = section_arg.strip("\"'").rstrip("/")
    return path == prefix or path.startswith(prefix + "/") or prefix == ""


def _group_name(value: str) -> str:
    return "" if value == "%{GLOBAL}" else value


def _scope(directive: Directive) -> str:
    if not directive.context:
        return "at server level"
    section = directive.context[-1]
    return f"in <{section.name} {section.arg}>"


def _source(options: dict[str, WsgiOption], key: str) -> str:
    return options[key].at if key in options else "mod_wsgi default"
