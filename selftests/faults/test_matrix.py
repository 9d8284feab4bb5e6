"""Each lab fault turns exactly its checks red, with the right words; heal undoes it.

A run injects the faults of one batch (see RUNS in matrix.py), runs the whole suite
into a temporary reports folder, heals the lab, and then runs only the checks that
failed, which must pass again.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import render
import suiterun
from matrix import MATRIX, RUNS

pytestmark = [pytest.mark.lab, pytest.mark.slow]

# Every failure reads "ID: expected X, observed Y (where)\nRunbook N Title. ...".
EXPECTED_OBSERVED = re.compile(r"expected .+, observed .+", re.DOTALL)
RUNBOOK_SECTION = re.compile(r"^Runbook \d+(\.\d+)* \S", re.MULTILINE)


def test_matrix_covers_listed_faults():
    listed = suiterun.listed_faults()

    assert sorted(MATRIX) == sorted(listed)
    assert len(listed) == len(set(listed))


def test_fault_matrix_page_current():
    page = render.DOC_PATH.read_text() if render.DOC_PATH.is_file() else ""

    assert page == render.render(), "run selftests/faults/render.py"


def test_runs_cover_each_fault_once():
    batched = [name for batch in RUNS for name in batch]

    assert sorted(batched) == sorted(MATRIX)


@pytest.mark.parametrize("batch", RUNS, ids=["+".join(batch) for batch in RUNS])
def test_batch_expectations_disjoint(batch):
    seen: dict[str, str] = {}
    for name in batch:
        for check_id in MATRIX[name].failing:
            assert check_id not in seen, (
                f"{check_id} is expected to fail for both {seen[check_id]} and "
                f"{name}; inject them in separate runs"
            )
            seen[check_id] = name


@pytest.mark.parametrize("batch", RUNS, ids=["+".join(batch) for batch in RUNS])
def test_fault_fails_exactly_its_checks(batch, healed_lab, tmp_path):
    burst = any(MATRIX[name].burst for name in batch)
    expected = expected_failures(batch)
    unasserted = {c for name in batch for c in MATRIX[name].unasserted}

    try:
        suiterun.inject(*batch)
        faulty = suiterun.run_suite(tmp_path / "faulty", burst=burst)
    finally:
        suiterun.heal()
    healed = rerun_failed(faulty, tmp_path / "healed", burst=burst)

    observed = faulty.failed()
    asserted = {c: r for c, r in observed.items() if c not in unasserted}
    assert set(asserted) == set(expected), mismatch(batch, expected, asserted)
    for check_id, record in observed.items():
        assert_message(check_id, record, expected.get(check_id, ""))
    assert healed is not None
    assert healed.failed() == {}, f"still failing after lab/heal: {healed.failed()}"
    assert set(healed.by_id()) == set(observed)


def expected_failures(batch: tuple[str, ...]) -> dict[str, str]:
    """Return check id -> required message text, over every fault of the batch."""
    expected = {}
    for name in batch:
        expected.update(MATRIX[name].failing)
    return expected


def rerun_failed(
    faulty: suiterun.SuiteRun, reports_dir: Path, *, burst: bool
) -> suiterun.SuiteRun | None:
    nodeids = sorted(record["nodeid"] for record in faulty.failed().values())
    if not nodeids:
        return None
    return suiterun.run_suite(reports_dir, burst=burst, select=nodeids)


def mismatch(
    batch: tuple[str, ...], expected: dict[str, str], observed: dict[str, dict]
) -> str:
    owner = {check_id: name for name in batch for check_id in MATRIX[name].failing}
    lines = [f"faults {', '.join(batch)}:"]
    for check_id in sorted(set(expected) - set(observed)):
        lines.append(f"  passed but {owner[check_id]} must fail it: {check_id}")
    for check_id in sorted(set(observed) - set(expected)):
        message = observed[check_id]["message"].splitlines()[0][:300]
        lines.append(f"  failed unexpectedly: {check_id}: {message}")
    return "\n".join(lines)


def assert_message(check_id: str, record: dict, required: str) -> None:
    __tracebackhide__ = True
    message = record["message"]

    assert record["outcome"] == "failed", f"{check_id} errored: {message}"
    assert message.startswith(f"{check_id}: "), message
    assert EXPECTED_OBSERVED.search(message), message
    assert RUNBOOK_SECTION.search(message), message
    assert "Traceback" not in message, message
    assert required in message, f"{check_id}: {required!r} not in {message!r}"
