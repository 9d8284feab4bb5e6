"""An unreachable or hung host fails only its own checks, quickly and with one reason.

Two lab faults: sshd stopped on the backend (connections refused), and Redis frozen
with SIGSTOP (its port accepts connections but never responds). The suite's wall
time in each case is compared with a healthy run's in the same session, plus what
the configured timeouts allow. A local listener then stands in for the backend's
HTTPS port, once hung and once speaking plain HTTP.
"""

from __future__ import annotations

import re
import socket
import sys
import threading
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
import suiterun
from matrix import BACKEND_OVER_SSH

pytestmark = [pytest.mark.lab, pytest.mark.slow]

WORKERS = 4
# Slack for process start-up and scheduling noise on a loaded CI machine.
WALL_SLACK_S = 15
# A lab address no node uses, so the listener below is the only thing on it.
MISBEHAVING_ADDRESS = "127.0.10.99"
PLAIN_ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
HTTP_TESTS = ("tests/health", "tests/infra/test_tls.py")
# The latency checks send this many requests each (health.samples).
LATENCY_SAMPLES = 5
MISBEHAVING_WALL_S = 120
# The burst checks read Apache's error log over SSH around the burst, so they
# need the backend's SSH too.
BURST_CHECKS = ("capacity:burst", "capacity:pressure-log")
HTTP_AND_FRONTEND = {"frontend", "health", "latency", "route", "sse", "tls"}
REFUSED_REASON = re.compile(
    r"not read: ssh apache@127\.0\.10\.10:22: connection refused after \d+\.\d s"
)


@pytest.fixture(scope="module")
def timeouts() -> dict[str, float]:
    with open(suiterun.REPO_DIR / "expectations.yaml") as stream:
        return yaml.safe_load(stream)["timeouts"]


@pytest.fixture(scope="module")
def healthy_run(tmp_path_factory) -> suiterun.SuiteRun:
    suiterun.heal()
    run = suiterun.run_suite(
        tmp_path_factory.mktemp("healthy"), burst=True, workers=WORKERS
    )
    assert run.failed() == {}, list(run.failed())
    return run


def run_with_fault(name: str, reports_dir: Path) -> suiterun.SuiteRun:
    try:
        suiterun.inject(name)
        return suiterun.run_suite(reports_dir, burst=True, workers=WORKERS)
    finally:
        suiterun.heal()


@pytest.fixture(scope="module")
def ssh_down_run(healthy_run, tmp_path_factory) -> suiterun.SuiteRun:
    return run_with_fault("ssh-down-backend", tmp_path_factory.mktemp("ssh-down"))


def test_ssh_down_backend_fails_fast(ssh_down_run, healthy_run, timeouts):
    run = ssh_down_run
    connect_s = timeouts["ssh_connect_s"]

    failed = run.failed()
    assert set(failed) == set(BACKEND_OVER_SSH) | set(BURST_CHECKS)
    for record in failed.values():
        message = record["message"]
        assert REFUSED_REASON.search(message), message
        assert message.count("connection refused") == 1, message
        assert "Traceback" not in message, message
        assert re.search(r"^Runbook \d", message, re.MULTILINE), message
        assert record["duration"] <= connect_s, record
    # Each worker tries the backend once and is refused at once.
    assert run.wall_s <= healthy_run.wall_s + WORKERS * connect_s + WALL_SLACK_S


def test_ssh_down_backend_spares_http(ssh_down_run):
    unaffected = {
        check_id: record["outcome"]
        for check_id, record in ssh_down_run.by_id().items()
        if check_id.split(":")[0] in HTTP_AND_FRONTEND
    }

    assert len(unaffected) >= 15, unaffected
    assert set(unaffected.values()) <= {"passed", "skipped"}, unaffected


def test_redis_frozen_fails_ready_in_time(healthy_run, timeouts, tmp_path):
    run = run_with_fault("redis-frozen", tmp_path)
    read_s = timeouts["http_read_s"]

    ready = run.by_id()["health:/api/v1/health/ready"]
    assert ready["outcome"] == "failed", ready
    assert "redis" in ready["message"], ready["message"]
    assert "Traceback" not in ready["message"]
    assert ready["duration"] <= timeouts["http_connect_s"] + read_s, ready
    assert run.by_id()["dependency:redis"]["outcome"] == "passed"
    assert run.wall_s <= healthy_run.wall_s + read_s + WALL_SLACK_S


class MisbehavingServer:
    """A TCP listener on a lab address that accepts and then misbehaves.

    mode "silent" accepts and never sends a byte (a hung endpoint, and a TLS
    handshake that never ends); mode "plain" replies in plain HTTP, so a TLS
    client's handshake fails at once.
    """

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.listener = socket.create_server((MISBEHAVING_ADDRESS, 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> MisbehavingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        for connection in self.accepted:
            connection.close()
        self.listener.close()

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except TimeoutError:
                continue
            self.accepted.append(connection)
            if self.mode == "plain":
                connection.sendall(PLAIN_ANSWER)


def expectations_for(port: int, tmp_path: Path) -> Path:
    """Write a copy of expectations.yaml whose lab backend URL is the listener."""
    with open(suiterun.REPO_DIR / "expectations.yaml") as stream:
        data = yaml.safe_load(stream)
    lab = data["environments"]["lab"]
    lab["backend_url"] = f"https://{MISBEHAVING_ADDRESS}:{port}"
    lab["credentials"]["env_file"] = str(suiterun.STATE_DIR / "credentials.env")
    data["checks"]["tls"]["port"] = port
    path = tmp_path / "expectations.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_against(server: MisbehavingServer, tmp_path: Path) -> suiterun.SuiteRun:
    expectations = expectations_for(server.port, tmp_path)
    return suiterun.run_suite(
        tmp_path / "reports",
        burst=False,
        select=HTTP_TESTS,
        extra_args=("--expectations", str(expectations)),
    )


@pytest.mark.parametrize(
    ("mode", "reason"),
    [("silent", r"timed out|timeout"), ("plain", r"\bSSL\b|\btls\b")],
    ids=["hung-endpoint", "tls-handshake-fails"],
)
def test_misbehaving_backend_fails_http_checks(mode, reason, timeouts, tmp_path):
    with MisbehavingServer(mode) as server:
        run = run_against(server, tmp_path)
    per_request_s = timeouts["http_connect_s"] + timeouts["http_read_s"]

    assert run.checks, run.stdout[-2000:]
    for check in run.checks:
        if check["outcome"] == "skipped":
            continue
        message = check["message"]
        requests = LATENCY_SAMPLES if check["id"].startswith("latency:") else 1
        assert check["outcome"] == "failed", check
        assert re.search(reason, message), message
        assert "Traceback" not in message, message
        assert re.search(r"^Runbook \d", message, re.MULTILINE), message
        assert check["duration"] <= requests * per_request_s + 1, check
    assert run.wall_s <= MISBEHAVING_WALL_S, run.wall_s
