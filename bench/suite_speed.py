#!/usr/bin/env python3
"""Print the suite's wall time and the SSH logins each lab host saw during the run.

Logins are counted from each node's own sshd journal ("Accepted publickey" lines,
read with lab/lib/exec before and after the run), so they include every connection
the suite opened, whichever process opened it. Another client logging in to the lab
during the run is counted too, so run this on an otherwise idle lab.

    .venv/bin/python bench/suite_speed.py              # lab defaults, burst included
    .venv/bin/python bench/suite_speed.py --no-burst -n 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "selftests" / "faults"))
import suiterun

SSH_NODES = {"backend": "127.0.10.10", "frontend": "127.0.10.20"}
JOURNAL_TIMEOUT_S = 60


def main() -> int:
    args = parse_args()
    before = {node: accepted_logins(node) for node in SSH_NODES}
    with tempfile.TemporaryDirectory(prefix="suite-speed-") as reports:
        run = suiterun.run_suite(
            Path(reports), burst=not args.no_burst, workers=args.workers
        )
    after = {node: accepted_logins(node) for node in SSH_NODES}

    counts = {outcome: 0 for outcome in ("passed", "failed", "error", "skipped")}
    for outcome in run.outcomes().values():
        counts[outcome] = counts.get(outcome, 0) + 1
    print(f"wall time: {run.wall_s:.1f} s with -n {args.workers}")
    print("checks: " + ", ".join(f"{n} {o}" for o, n in counts.items()))
    for node, address in SSH_NODES.items():
        print(f"ssh logins on {node} ({address}): {after[node] - before[node]}")
    return 0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "-n", "--workers", type=int, default=4, help="pytest-xdist workers (default 4)"
    )
    parser.add_argument("--no-burst", action="store_true", help="skip the burst probe")
    return parser.parse_args()


def accepted_logins(node: str) -> int:
    """Return how many public-key logins the node's sshd has logged so far."""
    completed = suiterun.run_command(
        [
            suiterun.LAB_DIR / "lib" / "exec",
            node,
            "journalctl",
            "--no-pager",
            "--output=cat",
            "SYSLOG_IDENTIFIER=sshd",
        ],
        timeout_s=JOURNAL_TIMEOUT_S,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"journalctl on {node} exited {completed.returncode}: "
            f"{completed.stderr.strip()}"
        )
    return sum("Accepted publickey" in line for line in completed.stdout.splitlines())


if __name__ == "__main__":
    sys.exit(main())
