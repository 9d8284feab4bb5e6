"""Read the reference lab's state: credentials, node table and service lists.

The lab scripts under lab/ write this state and these helpers only read it,
so the tests check what `make lab-up` really produced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
LAB_DIR = REPO_DIR / "lab"
STATE_DIR = Path(os.environ.get("LAB_STATE_DIR", REPO_DIR / ".lab"))
CREDENTIALS_FILE = STATE_DIR / "credentials.env"


@dataclass(frozen=True)
class SshNode:
    """A lab node that accepts SSH logins."""

    name: str
    address: str
    user: str


# The same table as lab/lib/common.sh.
SSH_NODES = (
    SshNode("backend", "127.0.10.10", "apache"),
    SshNode("frontend", "127.0.10.20", "nodejs"),
)
LAB_NODES = ("deps", "backend", "frontend")


@dataclass(frozen=True)
class Service:
    """One line of lab/nodes/NODE/services: a unit and its optional port."""

    node: str
    unit: str
    address: str | None
    port: int | None

    @property
    def test_id(self) -> str:
        endpoint = f"{self.address}:{self.port}" if self.port else "unit"
        return f"{self.node}:{self.unit}:{endpoint}"


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=value lines, skipping blank lines and comments."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key] = value
    return values


def parse_service_line(node: str, line: str) -> Service | None:
    """Parse "UNIT [ADDRESS:PORT]" the way lab/lib/runtime.sh reads it."""
    fields = line.split("#", 1)[0].split()
    if not fields:
        return None
    if len(fields) == 1:
        return Service(node, fields[0], None, None)
    address, _, port = fields[1].rpartition(":")
    return Service(node, fields[0], address, int(port))


def node_services(node: str) -> list[Service]:
    """Return the services lab/up waits for on NODE."""
    path = LAB_DIR / "nodes" / node / "services"
    if not path.is_file():
        return [
            Service(node, "ssh", ssh_node.address, 22)
            for ssh_node in SSH_NODES
            if ssh_node.name == node
        ]
    services = []
    for line in path.read_text().splitlines():
        service = parse_service_line(node, line)
        if service is not None:
            services.append(service)
    return services


def all_services() -> list[Service]:
    return [service for node in LAB_NODES for service in node_services(node)]


def nspawn_pid(node: str) -> int | None:
    """Return the nspawn PID lab/up recorded for NODE, if that process lives."""
    pid_file = STATE_DIR / "run" / node / "pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    try:
        arguments = cmdline.read_bytes().split(b"\0")
    except FileNotFoundError:
        return None
    if not arguments[0].endswith(b"systemd-nspawn"):
        return None
    return pid


def container_pid_namespace(node: str) -> str | None:
    """Return the PID namespace id (as in /proc/PID/ns/pid) of NODE's init."""
    pid = nspawn_pid(node)
    if pid is None:
        return None
    own_namespace = os.readlink("/proc/self/ns/pid")
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                namespace = os.readlink(f"/proc/{child}/ns/pid")
            except FileNotFoundError:
                continue
            if namespace != own_namespace:
                return namespace
    return None
