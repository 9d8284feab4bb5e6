"""The worker options each `celery multi` node really gets.

Models celery 5.3/5.4: celery/apps/multi.py (NamespacedOptionParser, MultiParser,
Node) and celery/bin/multi.py, fed the argument list that Celery's documented
systemd unit builds:

    /bin/sh -c '${CELERY_BIN} -A $CELERY_APP multi start $CELERYD_NODES \\
        --pidfile=${CELERYD_PID_FILE} --logfile=${CELERYD_LOG_FILE} \\
        --loglevel="${CELERYD_LOG_LEVEL}" $CELERYD_OPTS'

sh splits the unquoted $CELERYD_NODES and $CELERYD_OPTS at blanks and keeps any
quote characters inside them. celery 5 moves `-A app` behind the multi
arguments. NamespacedOptionParser then reads `--name=value` and `-x value`, but
`--name value` becomes an option without a value plus an extra node name, the
first of the forms it silently misreads that this module reports.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from conformance.celery.envfile import EnvFile

# Options celery 5's Node moves in front of `worker`: they configure celery itself.
APP_OPTIONS = (
    "-A",
    "--app",
    "-b",
    "--broker",
    "--result-backend",
    "--loader",
    "--config",
    "--workdir",
    "-C",
    "--no-color",
    "-q",
    "--quiet",
)
# Short and long spellings of the same `celery worker` option (celery 5 --help).
WORKER_ALIASES = {
    "-c": "--concurrency",
    "-l": "--loglevel",
    "-n": "--hostname",
    "-P": "--pool",
    "-Q": "--queues",
    "-X": "--exclude-queues",
    "-I": "--include",
    "-E": "--task-events",
    "--events": "--task-events",
    "-B": "--beat",
    "-s": "--schedule-filename",
    "--schedule": "--schedule-filename",
    "-S": "--statedb",
    "-O": "--optimization",
    "-D": "--detach",
    "-f": "--logfile",
    "-p": "--pidfile",
    "--discard": "--purge",
}
MULTI_OWN_OPTIONS = ("--cmd", "--append", "--hostname", "-n", "--prefix", "--suffix")
DEFAULT_PIDFILE = "/var/run/celery/%n.pid"
DEFAULT_LOGFILE = "/var/log/celery/%n%I.log"


@dataclasses.dataclass(frozen=True)
class Arg:
    """One word of the celery multi command line and where it came from."""

    text: str
    origin: str


@dataclasses.dataclass(frozen=True)
class OptionValue:
    """An option as celery multi stores it: its spelling, value and origin."""

    option: str
    value: str | None
    origin: str


@dataclasses.dataclass
class ParsedArgs:
    """Options, node namespaces and bare words, as NamespacedOptionParser keeps them."""

    options: dict[str, OptionValue]
    namespaces: dict[str, dict[str, OptionValue]]
    values: list[Arg]
    passthrough: str


@dataclasses.dataclass
class CeleryNode:
    """One worker node and the options it is started with."""

    name: str  # the name celery multi was given, such as "w1"
    nodename: str  # such as "w1@%h"
    options: dict[str, OptionValue]  # in the order they reach `celery worker`

    def effective(self) -> dict[str, OptionValue]:
        """Return each worker option once, as `celery worker` resolves it.

        click keeps the last of repeated options, whichever spelling is used.
        """
        result: dict[str, OptionValue] = {}
        for option in self.options.values():
            if option.option in APP_OPTIONS or option.option == "--executable":
                continue
            canonical = WORKER_ALIASES.get(option.option, option.option)
            result.pop(canonical, None)
            result[canonical] = option
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "nodename": self.nodename,
            "options": [dataclasses.asdict(o) for o in self.options.values()],
            "effective": {
                key.lstrip("-"): {
                    "value": option.value,
                    "given_as": option.option,
                    "from": option.origin,
                }
                for key, option in self.effective().items()
            },
        }


def unit_arguments(env: EnvFile) -> list[Arg]:
    """Build the `celery multi` arguments the documented systemd unit passes."""
    args = [Arg("start", "celery.service ExecStart")]
    args += _split(env, "CELERYD_NODES")
    for option, variable in (
        ("--pidfile", "CELERYD_PID_FILE"),
        ("--logfile", "CELERYD_LOG_FILE"),
        ("--loglevel", "CELERYD_LOG_LEVEL"),
    ):
        var = env.get(variable)
        origin = f"{variable} ({var.at})" if var else f"{variable} (not set)"
        args.append(Arg(f"{option}={var.value if var else ''}", origin))
    args += _split(env, "CELERYD_OPTS")
    app = _split(env, "CELERY_APP")
    if app:
        args += [Arg("-A", app[0].origin), *app]
    return args


def _split(env: EnvFile, name: str) -> list[Arg]:
    var = env.get(name)
    if var is None:
        return []
    return [Arg(word, f"{name} ({var.at})") for word in var.value.split()]


def parse_args(args: list[Arg], problems: list[str]) -> ParsedArgs:
    """Parse arguments as NamespacedOptionParser.parse() does."""
    parsed = ParsedArgs({}, {}, [], "")
    words = [arg for arg in args if arg.text]
    position = 0
    while position < len(words):
        arg = words[position]
        if arg.text == "--":
            parsed.passthrough = " ".join(a.text for a in words[position:])
            break
        if arg.text == "-":
            problems.append(f"{arg.origin}: a lone '-' makes celery multi crash")
        elif arg.text.startswith("--"):
            name, has_value, value = arg.text[2:].partition("=")
            _add_option(parsed, "--", name, value if has_value else None, arg, problems)
        elif arg.text.startswith("-"):
            value = None
            following = words[position + 1] if position + 1 < len(words) else None
            if following is not None and not following.text.startswith("-"):
                value = following.text
                position += 1
            _add_option(parsed, "-", arg.text[1:], value, arg, problems)
        else:
            parsed.values.append(arg)
        position += 1
    return parsed


def _add_option(
    parsed: ParsedArgs,
    prefix: str,
    name: str,
    value: str | None,
    arg: Arg,
    problems: list[str],
) -> None:
    destination = parsed.options
    if ":" in name:
        if name.count(":") > 1:
            problems.append(
                f"{arg.origin}: {arg.text!r} has more than one ':', which makes "
                "celery multi crash"
            )
            return
        name, namespace = name.split(":")
        destination = parsed.namespaces.setdefault(namespace, {})
    option = prefix + name
    destination[option] = OptionValue(option, value, arg.origin)


def build_nodes(
    parsed: ParsedArgs,
    problems: list[str],
    *,
    hostname: str = "%h",
) -> list[CeleryNode]:
    """Turn parsed arguments into nodes as MultiParser.parse() and Node() do."""
    options = dict(parsed.options)
    names = [arg.text for arg in parsed.values]
    popped = {key: options.pop(key, None) for key in MULTI_OWN_OPTIONS}
    host = _value(popped["--hostname"]) or _value(popped["-n"]) or hostname
    prefix = _value(popped["--prefix"]) or ""
    suffix = _value(popped["--suffix"]) or host
    suffix = "" if suffix in ('""', "''") else suffix
    range_prefix = _value(options.pop("--range-prefix", None)) or "celery"
    ranges = len(names) == 1
    if ranges and names[0].isdigit():
        names, prefix = [str(n) for n in range(1, int(names[0]) + 1)], range_prefix
    _apply_index_namespaces(parsed, names, problems)
    _apply_range_namespaces(parsed, ranges)
    nodes = [_node(parsed, name, prefix, suffix, options) for name in names]
    _report_unused_namespaces(parsed, nodes, problems)
    return nodes


def _value(option: OptionValue | None) -> str | None:
    return option.value if option else None


def _apply_index_namespaces(
    parsed: ParsedArgs,
    names: list[str],
    problems: list[str],
) -> None:
    # `-c:1 4` refers to the first node name, whatever it is called.
    for namespace, values in list(parsed.namespaces.items()):
        if not namespace.isdigit():
            continue
        index = int(namespace) - 1
        if 0 <= index < len(names):
            parsed.namespaces.setdefault(names[index], {}).update(values)
        else:
            origin = next(iter(values.values())).origin
            problems.append(
                f"{origin}: node index {namespace} does not exist among "
                f"{names}, which makes celery multi crash"
            )


def _apply_range_namespaces(parsed: ParsedArgs, ranges: bool) -> None:
    for namespace, values in list(parsed.namespaces.items()):
        if "," not in namespace and not (ranges and "-" in namespace):
            continue
        for part in namespace.split(","):
            if ranges and "-" in part:
                start, _, stop = part.partition("-")
                targets = [str(n) for n in range(int(start), int(stop) + 1)]
            else:
                targets = [part]
            for target in targets:
                parsed.namespaces.setdefault(target, {}).update(values)
        parsed.namespaces.pop(namespace)


def _node(
    parsed: ParsedArgs,
    name: str,
    prefix: str,
    suffix: str,
    options: dict[str, OptionValue],
) -> CeleryNode:
    if "@" in name:
        nodename = name
        name = name.split("@", 1)[0]
    else:
        nodename = f"{prefix}{name}@{suffix}"
    namespace = nodename if nodename in parsed.namespaces else name
    merged = dict(options)
    merged.update(parsed.namespaces.get(namespace, {}))
    merged["-n"] = OptionValue("-n", nodename, "celery multi (node name)")
    _set_default(merged, ("--pidfile", "-p"), DEFAULT_PIDFILE)
    _set_default(merged, ("--logfile", "-f"), DEFAULT_LOGFILE)
    return CeleryNode(name, nodename, merged)


def _set_default(
    options: dict[str, OptionValue], spellings: tuple[str, ...], default: str
):
    if not any(spelling in options for spelling in spellings):
        options[spellings[0]] = OptionValue(
            spellings[0], default, "celery multi default"
        )


def _report_unused_namespaces(
    parsed: ParsedArgs,
    nodes: list[CeleryNode],
    problems: list[str],
) -> None:
    known = {node.name for node in nodes} | {node.nodename for node in nodes}
    for namespace, values in parsed.namespaces.items():
        if namespace.isdigit() or namespace in known:
            continue
        for option in values.values():
            problems.append(
                f"{option.origin}: {option.option}:{namespace} names no node "
                f"({sorted(known)}), so celery multi ignores it"
            )
