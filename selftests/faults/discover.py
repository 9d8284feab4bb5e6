#!/usr/bin/env python3
"""Print what the suite reports for each lab fault, to review before filling matrix.py.

For each fault named (all of `lab/fault --list` when none are), it injects the fault
alone, runs the whole suite, prints every failing check with its message, and heals
the lab. It asserts nothing: a person reads each failure and decides whether it is
the right one before writing it into the matrix.

    .venv/bin/python selftests/faults/discover.py redis-down slow-ping
    .venv/bin/python selftests/faults/discover.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import suiterun
from matrix import MATRIX


def main() -> int:
    args = parse_args()
    names = args.faults or suiterun.listed_faults()
    found = {}
    for name in names:
        found[name] = discover(name, burst=args.burst or needs_burst(name))
        print_fault(name, found[name])
    if args.json:
        Path(args.json).write_text(json.dumps(found, indent=2) + "\n")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("faults", nargs="*", help="fault names (default: all)")
    parser.add_argument(
        "--burst", action="store_true", help="run the burst probe for every fault"
    )
    parser.add_argument("--json", help="also write the findings to this JSON file")
    return parser.parse_args()


def needs_burst(name: str) -> bool:
    fault = MATRIX.get(name)
    return bool(fault and fault.burst)


def discover(name: str, *, burst: bool) -> dict:
    try:
        suiterun.inject(name)
        with tempfile.TemporaryDirectory(prefix=f"fault-{name}-") as reports:
            run = suiterun.run_suite(Path(reports), burst=burst)
    finally:
        suiterun.heal()
    return {
        "wall_s": round(run.wall_s, 1),
        "burst": burst,
        "failed": {
            check_id: {"outcome": record["outcome"], "message": record["message"]}
            for check_id, record in sorted(run.failed().items())
        },
    }


def print_fault(name: str, found: dict) -> None:
    print(f"== {name} ({found['wall_s']} s, burst {found['burst']})")
    for check_id, record in found["failed"].items():
        print(f"  {check_id} [{record['outcome']}]")
        for line in record["message"].splitlines():
            print(f"      {line}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
