#!/usr/bin/env python3
"""Run the suite K times against the healthy lab and count the checks that flip.

A check is flaky when it fails in some runs and passes in others. A check that fails
in every run is broken, not flaky, and is counted apart. The burst probe runs, as it
does by default for the lab, unless --no-burst is given.

    .venv/bin/python bench/flaky.py --runs 5
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "selftests" / "faults"))
import suiterun

MAX_RUNS = 20


def main() -> int:
    args = parse_args()
    if not 1 <= args.runs <= MAX_RUNS:
        print(f"--runs must be between 1 and {MAX_RUNS}, got {args.runs}")
        return 2
    runs = []
    for number in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="flaky-") as reports:
            run = suiterun.run_suite(
                Path(reports), burst=not args.no_burst, workers=suiterun.WORKERS
            )
        runs.append(run)
        print(
            f"run {number}/{args.runs}: {len(run.failed())} failed of "
            f"{len(run.checks)} in {run.wall_s:.1f} s",
            flush=True,
        )
    return print_summary(runs)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=5, help=f"suite runs, 1 to {MAX_RUNS} (default 5)"
    )
    parser.add_argument("--no-burst", action="store_true", help="skip the burst probe")
    return parser.parse_args()


def print_summary(runs: list[suiterun.SuiteRun]) -> int:
    failures: collections.Counter[str] = collections.Counter()
    ran: collections.Counter[str] = collections.Counter()
    messages: dict[str, str] = {}
    for run in runs:
        for check_id, outcome in run.outcomes().items():
            if outcome == "skipped":
                continue
            ran[check_id] += 1
        for check_id, record in run.failed().items():
            failures[check_id] += 1
            messages.setdefault(check_id, record["message"].splitlines()[0])

    print(f"\n{'check':<48} failed/runs")
    for check_id in sorted(ran):
        print(f"{check_id:<48} {failures[check_id]}/{ran[check_id]}")
    flaky = sorted(c for c in failures if failures[c] < ran[c])
    broken = sorted(c for c in failures if failures[c] == ran[c])
    for check_id in flaky + broken:
        print(f"  {check_id}: {messages[check_id][:200]}")
    walls = [run.wall_s for run in runs]
    print(
        f"\nruns: {len(runs)}, checks run: {len(ran)}, flaky: {len(flaky)}, "
        f"failing in every run: {len(broken)}, wall time min/max: "
        f"{min(walls):.1f}/{max(walls):.1f} s"
    )
    return 1 if flaky or broken else 0


if __name__ == "__main__":
    sys.exit(main())
