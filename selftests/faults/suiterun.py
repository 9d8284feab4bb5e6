"""Run the conformance suite and the lab's fault commands as subprocesses.

The fault matrix, the unreachable-host and secrets tests under selftests/lab and the
scripts under bench/ all drive the suite the way a person does: `.venv/bin/pytest`
at the repository root with its own --reports-dir, then read results.json. Every
command has a deadline, and on timeout its whole process group (the suite and its
pytest-xdist workers) is killed, so no run outlives its test.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO_DIR = Path(__file__).resolve().parents[2]
PYTEST = REPO_DIR / ".venv" / "bin" / "pytest"
LAB_DIR = REPO_DIR / "lab"
STATE_DIR = Path(os.environ.get("LAB_STATE_DIR", REPO_DIR / ".lab"))
ACTIVE_FAULTS_FILE = STATE_DIR / "faults"

# A healthy run takes about 10 s with -n 4 on a 2-core machine; this bounds a hung one.
SUITE_TIMEOUT_S = 300
# lab/heal waits up to 90 s for a healthy lab, and then once more after its fallback.
HEAL_TIMEOUT_S = 240
FAULT_TIMEOUT_S = 120
WORKERS = 4
# A burst against a lab with a few request slots makes every request sent beside it
# fail, so runs with the burst are serial: no other check runs during it.
BURST_WORKERS = 1


class CommandTimedOut(Exception):
    """A subprocess did not finish before its deadline and was killed."""


@dataclasses.dataclass
class SuiteRun:
    """One suite run: its exit status, wall time, output and results.json records."""

    returncode: int
    wall_s: float
    stdout: str
    stderr: str
    reports_dir: Path
    checks: list[dict[str, Any]]

    def by_id(self) -> dict[str, dict[str, Any]]:
        return {check["id"]: check for check in self.checks}

    def failed(self) -> dict[str, dict[str, Any]]:
        """Return the records of checks that failed or errored, by check id."""
        return {
            check["id"]: check
            for check in self.checks
            if check["outcome"] in ("failed", "error")
        }

    def outcomes(self) -> dict[str, str]:
        return {check["id"]: check["outcome"] for check in self.checks}


def run_command(
    argv: Sequence[str | os.PathLike[str]],
    *,
    timeout_s: float,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run argv in the repository; kill its process group and raise on timeout."""
    process = subprocess.Popen(
        [str(arg) for arg in argv],
        cwd=REPO_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise CommandTimedOut(
            f"{' '.join(str(arg) for arg in argv)} did not finish within "
            f"{timeout_s:g} s and was killed"
        ) from None
    return subprocess.CompletedProcess(argv, process.returncode, stdout, stderr)


def run_suite(
    reports_dir: Path,
    *,
    burst: bool = False,
    select: Sequence[str] = (),
    workers: int | None = None,
    extra_args: Sequence[str] = (),
    timeout_s: float = SUITE_TIMEOUT_S,
    env: dict[str, str] | None = None,
) -> SuiteRun:
    """Run the suite against the lab into reports_dir and read its results.json.

    `select` names the tests to run (node ids from an earlier results.json); empty
    runs the whole suite. The burst probe runs only when `burst` is true.
    """
    if workers is None:
        workers = BURST_WORKERS if burst else WORKERS
    argv = [
        PYTEST,
        # One argument, so pytest never takes the folder for a test path when it
        # looks for its rootdir and ini file.
        f"--reports-dir={reports_dir}",
        "--burst" if burst else "--no-burst",
        "-n",
        str(workers),
        *extra_args,
        *select,
    ]
    started = time.monotonic()
    completed = run_command(argv, timeout_s=timeout_s, env=env)
    wall_s = time.monotonic() - started
    return SuiteRun(
        returncode=completed.returncode,
        wall_s=wall_s,
        stdout=completed.stdout,
        stderr=completed.stderr,
        reports_dir=reports_dir,
        checks=read_results(reports_dir, completed),
    )


def read_results(
    reports_dir: Path, completed: subprocess.CompletedProcess[str]
) -> list[dict[str, Any]]:
    path = reports_dir / "results.json"
    if not path.is_file():
        raise FileNotFoundError(
            f"the suite wrote no {path} (exit status {completed.returncode}); "
            f"its output ends with: {completed.stdout[-2000:]}"
            f"{completed.stderr[-2000:]}"
        )
    return json.loads(path.read_text())["checks"]


def lab_command(*args: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run a lab command such as `lab/fault NAME` or `lab/heal`; raise if it fails."""
    completed = run_command([LAB_DIR / args[0], *args[1:]], timeout_s=timeout_s)
    if completed.returncode != 0:
        raise RuntimeError(
            f"lab/{' '.join(args)} exited {completed.returncode}: "
            f"{completed.stderr.strip()[-2000:]}"
        )
    return completed


def inject(*names: str) -> None:
    for name in names:
        lab_command("fault", name, timeout_s=FAULT_TIMEOUT_S)


def heal() -> None:
    lab_command("heal", timeout_s=HEAL_TIMEOUT_S)


def listed_faults() -> list[str]:
    """Return the fault names `lab/fault --list` prints, in its order."""
    output = lab_command("fault", "--list", timeout_s=30).stdout
    return [line.split()[0] for line in output.splitlines() if line.strip()]


def active_faults() -> list[str]:
    if not ACTIVE_FAULTS_FILE.is_file():
        return []
    return [line for line in ACTIVE_FAULTS_FILE.read_text().split() if line]
