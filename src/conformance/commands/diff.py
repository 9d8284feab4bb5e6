"""`conformance diff BEFORE.json AFTER.json [--html OUT]`: compare two runs.

Prints what broke, what was fixed and what changed between two results.json files
or snapshots, the same comparison a `--phase post` run puts into its report.
Exit status: 0 when the comparison was printed, 2 when a file cannot be read.
"""

from __future__ import annotations

import argparse
import sys
from html import escape
from pathlib import Path

from conformance.errors import ConformanceError
from conformance.reporting.comparison import compare_results, format_comparison_text
from conformance.reporting.files import write_redacted_text
from conformance.reporting.html_sections import STYLE, comparison_section
from conformance.reporting.redaction import redact_text
from conformance.snapshots import load_results

USAGE_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `diff` subcommand; its `handler` default runs it."""
    parser = subparsers.add_parser(
        "diff",
        help="compare two results.json files or snapshots",
        description=__doc__.split("\n\n")[1],
    )
    configure_parser(parser)


def configure_parser(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("before", type=Path, help="results of the earlier run")
    parser.add_argument("after", type=Path, help="results of the later run")
    parser.add_argument(
        "--html",
        type=Path,
        metavar="OUT",
        help="also write the comparison as a self-contained HTML page to OUT",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the comparison of args.before and args.after; return the exit status."""
    try:
        before = _load(args.before)
        after = _load(args.after)
    except ConformanceError as error:
        print(f"conformance diff: {error}", file=sys.stderr)
        return USAGE_ERROR
    comparison = compare_results(before, after)
    sys.stdout.write(redact_text(format_comparison_text(comparison)))
    if args.html is not None:
        try:
            write_redacted_text(args.html, comparison_page(comparison))
        except OSError as error:
            print(
                f"conformance diff: cannot write {args.html} ({error.strerror}); "
                "give --html the path of a file in a folder that exists",
                file=sys.stderr,
            )
            return USAGE_ERROR
        print(f"wrote {args.html}")
    return 0


def _load(path: Path) -> dict:
    document = load_results(path)
    document["source"] = str(path)
    return document


def comparison_page(comparison: dict) -> str:
    """Return a standalone HTML page with the comparison table."""
    before = comparison["before"].get("source") or "before"
    after = comparison["after"].get("source") or "after"
    title = escape(f"Conformance diff: {before} -> {after}")
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{title}</title>{STYLE}"
        "<style>body { font-family: Helvetica, Arial, sans-serif; font-size: 13px; }"
        "</style></head>"
        f"<body><h1>{title}</h1>{comparison_section(comparison)}</body></html>\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the subcommand on its own, as `python -m conformance.commands.diff`."""
    parser = argparse.ArgumentParser(prog="conformance diff")
    configure_parser(parser)
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
