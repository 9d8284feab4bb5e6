"""Forms of CELERYD_OPTS that celery multi accepts without error but misreads."""

from __future__ import annotations

from conformance.celery.multi import WORKER_ALIASES, Arg, CeleryNode, ParsedArgs

# Worker options that need a value; given bare, `celery worker` takes the next
# argument as their value or stops.
VALUE_OPTIONS = frozenset(
    {
        "--concurrency",
        "--loglevel",
        "--hostname",
        "--pool",
        "--queues",
        "--exclude-queues",
        "--include",
        "--time-limit",
        "--soft-time-limit",
        "--max-tasks-per-child",
        "--max-memory-per-child",
        "--prefetch-multiplier",
        "--autoscale",
        "--logfile",
        "--pidfile",
        "--statedb",
        "--schedule-filename",
        "--scheduler",
        "--heartbeat-interval",
    }
)


def find_misreads(
    arguments: list[Arg],
    parsed: ParsedArgs,
    nodes: list[CeleryNode],
) -> list[str]:
    """Return one message per argument celery multi reads differently than meant."""
    problems = [_stray_value(arg) for arg in parsed.values if _from_opts(arg)]
    problems += _shell_words(arguments)
    problems += _missing_values(parsed)
    for node in nodes:
        problems += _lost_overrides(node, parsed)
    return problems


def _from_opts(arg: Arg) -> bool:
    return not arg.origin.startswith("CELERYD_NODES")


def _stray_value(arg: Arg) -> str:
    return (
        f"{arg.origin}: celery multi reads {arg.text!r} as an extra node name, "
        "because a long option only takes its value as --name=value"
    )


def _shell_words(arguments: list[Arg]) -> list[str]:
    problems = []
    for arg in arguments:
        if any(quote in arg.text for quote in "\"'"):
            problems.append(
                f"{arg.origin}: {arg.text!r} keeps its quote characters, because sh "
                "does not remove quotes from an expanded variable"
            )
        if any(char in arg.text for char in "*?["):
            problems.append(
                f"{arg.origin}: sh may replace {arg.text!r} with matching file names"
            )
    return problems


def _missing_values(parsed: ParsedArgs) -> list[str]:
    problems = []
    groups = [parsed.options, *parsed.namespaces.values()]
    for group in groups:
        for option in group.values():
            canonical = WORKER_ALIASES.get(option.option, option.option)
            if canonical in VALUE_OPTIONS and not option.value:
                problems.append(
                    f"{option.origin}: {option.option} has no value, so celery "
                    "worker takes the next argument as its value or stops; write "
                    f"{option.option}=VALUE"
                )
    return problems


def _lost_overrides(node: CeleryNode, parsed: ParsedArgs) -> list[str]:
    # celery multi merges node options into the common ones in place, so a node's
    # `-c:w1 4` keeps the position of a common `-c`, and a later `--concurrency`
    # given to every node wins in `celery worker`.
    namespace = parsed.namespaces.get(node.nodename) or parsed.namespaces.get(
        node.name, {}
    )
    effective = node.effective()
    problems = []
    for option in namespace.values():
        canonical = WORKER_ALIASES.get(option.option, option.option)
        winner = effective.get(canonical)
        if winner is not None and winner is not option:
            problems.append(
                f"{option.origin}: {option.option} for node {node.name} is "
                f"overridden by {winner.option}={winner.value} ({winner.origin}), "
                "which celery worker reads later"
            )
    return problems
