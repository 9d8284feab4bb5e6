"""`conformance init --env NAME`: write expectations from a known-good environment.

Reads the live values of the environment's hosts: the effective MPM values of
every block the expectations name, the mod_wsgi daemon group's processes and
threads, Celery nodes and options, the probe endpoints' status and the Celery
consumers. Writes them as an expectations file for review, with a comment beside
each value naming where it was read. Everything else, including the environment
block, is copied from the expectations file given. The file written loads with the
suite's loader.

Exit status: 0 when every value was read, 1 when some kept the given file's value
(each is marked NOT READ in the file and listed on stderr), 2 on bad input.
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from conformance.context import SuiteContext
from conformance.errors import ConformanceError
from conformance.expectations import load
from conformance.expectations_writer import render_yaml
from conformance.live_values import LiveValues, read_live_values

INCOMPLETE = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `init` subcommand; its `handler` default runs it."""
    parser = subparsers.add_parser(
        "init",
        help="write an expectations file from the live values of an environment",
        description=__doc__.split("\n\n")[1],
        epilog=__doc__.split("\n\n")[2],
    )
    parser.add_argument(
        "--env",
        required=True,
        metavar="NAME",
        help="environment of the expectations file whose hosts are read",
    )
    parser.add_argument(
        "--expectations",
        type=Path,
        default=Path("expectations.yaml"),
        metavar="PATH",
        help="expectations file to take the environment block and every value not "
        "read live from (default: expectations.yaml)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        metavar="PATH",
        help="file to write (default: expectations.NAME.yaml beside --expectations)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="overwrite the output file if it exists",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Read the environment, write the file; return the exit status."""
    source = args.expectations
    output = args.output or source.with_name(f"expectations.{args.env}.yaml")
    if output.exists() and not args.force:
        raise ConformanceError(
            f"{output} exists; give --force to overwrite it, or another --output PATH"
        )
    expectations = load(source)
    environment = expectations.environment(args.env)
    suite = SuiteContext(expectations, environment)
    try:
        live = read_live_values(
            suite.backend_facts, suite.frontend_facts, expectations.checks, suite
        )
    finally:
        suite.close()
    text = render_expectations(
        base_data(source),
        live,
        environment=args.env,
        source=source,
        output=output,
        read_at=datetime.now(UTC),
    )
    write_checked(output, text)
    print(f"wrote {output}: {len(live.values)} values read from {args.env}")
    if live.unread:
        print(
            f"{len(live.unread)} values could not be read and keep the value of "
            f"{source}:",
            file=sys.stderr,
        )
        for line in live.unread:
            print(f"  {line}", file=sys.stderr)
        return INCOMPLETE
    return 0


def base_data(path: Path) -> dict[str, Any]:
    """Return the expectations file as plain data (it was validated by `load`)."""
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def render_expectations(
    data: Mapping[str, Any],
    live: LiveValues,
    *,
    environment: str,
    source: Path,
    output: Path,
    read_at: datetime,
) -> str:
    """Return the expectations text: `data` with the live values and their notes."""
    merged = copy.deepcopy(dict(data))
    merged["environments"] = {environment: merged["environments"][environment]}
    for path, value in live.values.items():
        set_path(merged, path, value)
    comments = {
        path: note for path, note in live.notes.items() if has_path(merged, path)
    }
    comments[("environments",)] = f"copied from {source}"
    env_file = ("environments", environment, "credentials", "env_file")
    if has_path(merged, env_file):
        rebased = rebase(merged, env_file, source=source, output=output)
        if rebased:
            comments[env_file] = rebased
    header = [
        f"Expectations read from environment {environment!r} by `conformance init`",
        f"at {read_at.isoformat(timespec='seconds')}, starting from",
        f"{source}.",
        "A comment beside a value names where it was read. Values without one are",
        "copied from that file. Review every value before using this file: it",
        "records what the hosts run, which is not always what the runbook wants.",
    ]
    return render_yaml(merged, comments=comments, header=header)


def rebase(
    data: dict[str, Any], path: tuple[str, ...], *, source: Path, output: Path
) -> str:
    """Keep a path relative to the expectations file valid beside `output`.

    Returns a note when the path was changed, else "".
    """
    node = data
    for key in path[:-1]:
        node = node[key]
    written = str(node[path[-1]])
    if Path(written).is_absolute():
        return ""
    target = source.resolve().parent / written
    moved = os.path.relpath(target, output.resolve().parent)
    if moved == written:
        return ""
    if moved.startswith(".."):
        moved = str(target)
    node[path[-1]] = moved
    return f"{written} in {source}, rewritten for this file's folder"


def set_path(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node.setdefault(key, {})
    node[path[-1]] = value


def has_path(data: Mapping[str, Any], path: tuple[str, ...]) -> bool:
    node: Any = data
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False
        node = node[key]
    return True


def write_checked(output: Path, text: str) -> None:
    """Write `text` to `output` only if it loads as an expectations file."""
    temporary = output.with_name(f".{output.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    try:
        load(temporary)
    except ConformanceError as error:
        raise ConformanceError(
            f"the file conformance init generated does not load, so {output} was "
            f"not written: {error}. The generated text is in {temporary}; please "
            "report this as a bug"
        ) from None
    os.replace(temporary, output)
