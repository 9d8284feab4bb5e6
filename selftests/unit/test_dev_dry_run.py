"""The dev environment is only ever collected here, and collecting opens no socket."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Loaded by the child interpreter before anything else: it records every socket
# connection and name lookup, and stops the process at the first one.
AUDIT = """
import os, sys
EVENTS = {"socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
          "socket.sendto", "socket.bind"}
def audit(event, args):
    if event in EVENTS:
        with open(os.environ["NETWORK_LOG"], "a") as log:
            log.write(f"{event} {args!r}\\n")
        os._exit(99)
sys.addaudithook(audit)
"""


def test_dev_collection_touches_no_network(tmp_path):
    (tmp_path / "sitecustomize.py").write_text(AUDIT)
    network_log = tmp_path / "network.log"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--env",
        "dev",
        "--collect-only",
        "-q",
        "-n0",
        "--reports-dir",
        str(tmp_path / "reports"),
    ]

    result = subprocess.run(
        command,
        cwd=ROOT,
        env={"PYTHONPATH": str(tmp_path), "NETWORK_LOG": str(network_log)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert not network_log.exists(), network_log.read_text()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "apache:event:MaxRequestWorkers" in result.stdout
    assert "health:/api/v1/health/ping" in result.stdout
