"""`lab/fault --list` describes every fault file, one line each."""

import re
import subprocess

from labstate import LAB_DIR

REQUIRED_FAULTS = {
    "celery-stopped",
    "celery-node-down",
    "queue-no-consumers",
    "wsgi-processes-low",
    "mpm-drift-worker-block",
    "threads-per-child-drift",
    "postgresql-down",
    "redis-down",
    "rabbitmq-down",
    "slow-ping",
    "legacy-favourites",
    "sse-no-auth",
    "cert-near-expiry",
    "httpd-conf-broken",
    "backups-missing",
    "worker-pressure",
    "ssh-down-backend",
    "ssh-down-frontend",
    "redis-frozen",
    "ping-hang",
    "cert-untrusted",
}


def list_faults() -> dict[str, str]:
    output = subprocess.run(
        [LAB_DIR / "fault", "--list"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    return dict(line.split(maxsplit=1) for line in output.splitlines())


def test_fault_list_covers_every_file():
    files = {path.stem for path in (LAB_DIR / "faults").glob("*.sh")}

    assert set(list_faults()) == files


def test_fault_list_has_required_faults():
    assert set(list_faults()) >= REQUIRED_FAULTS


def test_each_fault_has_a_summary():
    for name, summary in list_faults().items():
        assert re.fullmatch(r"[a-z0-9-]+", name)
        assert len(summary) > 20, name


def test_fault_rejects_unknown_name():
    result = subprocess.run(
        [LAB_DIR / "fault", "no-such-fault"],
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode != 0
    assert "unknown fault 'no-such-fault'" in result.stderr
