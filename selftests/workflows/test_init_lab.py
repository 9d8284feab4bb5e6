"""`conformance init --env lab` against the booted lab writes a file that loads."""

import subprocess
from pathlib import Path

import pytest

from conformance.expectations import load

pytestmark = pytest.mark.lab

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / ".venv" / "bin" / "conformance"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    subprocess.run([str(ROOT / "lab" / "heal")], cwd=ROOT, check=True, timeout=240)
    output = tmp_path_factory.mktemp("init") / "expectations.lab.yaml"
    run = subprocess.run(
        [str(CONFORMANCE), "init", "--env", "lab", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run, output


def test_init_reads_every_value(generated):
    run, output = generated

    assert run.returncode == 0, run.stderr
    assert f"wrote {output}" in run.stdout


def test_init_values_match_healthy_lab(generated):
    _, output = generated
    written = load(output).checks
    runbook = load(ROOT / "expectations.yaml").checks

    assert written.apache.mpm == runbook.apache.mpm
    assert written.apache.loaded_mpm == runbook.apache.loaded_mpm
    assert written.wsgi.daemon == runbook.wsgi.daemon
    assert list(written.celery.nodes) == list(runbook.celery.nodes)
    assert dict(written.celery.options) == dict(runbook.celery.options)
    assert written.celery.consumers == runbook.celery.consumers


def test_init_comments_name_hosts(generated):
    _, output = generated
    text = output.read_text()

    assert "# configured 150 at /etc/httpd/conf/httpd.conf:" in text
    assert "returned 200" in text
    assert "NOT READ" not in text
