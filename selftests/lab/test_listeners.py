"""Nothing in the lab listens outside 127.0.0.0/8.

The lab shares the host's network, so a daemon left on its default bind
address would be reachable from outside the machine.
"""

import ipaddress
import os
import re
import subprocess

import pytest
from labstate import LAB_NODES, container_pid_namespace

pytestmark = pytest.mark.lab

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
PID_PATTERN = re.compile(r"pid=(\d+)")


def host_listeners() -> list[tuple[str, str, list[int]]]:
    """Return (protocol, local address, owning PIDs) for each listening socket."""
    output = subprocess.run(
        [
            "ss",
            "--listening",
            "--tcp",
            "--udp",
            "--numeric",
            "--processes",
            "--no-header",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    listeners = []
    for line in output.splitlines():
        fields = line.split()
        process = " ".join(fields[6:])
        pids = [int(pid) for pid in PID_PATTERN.findall(process)]
        listeners.append((fields[0], fields[4], pids))
    return listeners


def bind_address(local: str) -> str:
    host = local.rsplit(":", 1)[0].strip("[]")
    return host.split("%", 1)[0]


def is_loopback(host: str) -> bool:
    if host == "*":
        return False
    address = ipaddress.ip_address(host)
    return address.version == 4 and address in LOOPBACK


def pid_namespace(pid: int) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except FileNotFoundError:
        return None


def lab_namespaces() -> dict[str, str]:
    namespaces = {}
    for node in LAB_NODES:
        namespace = container_pid_namespace(node)
        if namespace is None:
            pytest.fail(f"node {node} is not running: boot it with `make lab-up`")
        namespaces[namespace] = node
    return namespaces


def test_lab_listens_on_loopback_only():
    namespaces = lab_namespaces()
    lab_sockets = []
    outside = []

    for protocol, local, pids in host_listeners():
        nodes = {namespaces.get(pid_namespace(pid)) for pid in pids} - {None}
        if not nodes:
            continue
        lab_sockets.append(local)
        if not is_loopback(bind_address(local)):
            outside.append(f"{protocol} {local} on {', '.join(sorted(nodes))}")

    assert lab_sockets, "ss showed no socket of a lab node; is the lab up?"
    assert outside == [], "lab sockets outside 127.0.0.0/8: " + "; ".join(outside)
