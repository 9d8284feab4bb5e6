"""The `conformance` program: an argparse front whose subcommands live in commands/."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from conformance.commands import COMMANDS
from conformance.errors import ConformanceError

EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformance",
        description="Tools around the MBPanel conformance suite.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"conformance.commands.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; bad input prints one line to stderr and exits 2."""
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConformanceError as error:
        print(error, file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
