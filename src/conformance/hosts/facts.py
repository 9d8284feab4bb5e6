"""Facts read from a host in one round trip, parsed into plain values.

A HostFacts is built once per host per pytest worker and cached for the session. When
the host cannot be reached, HostFacts.error contains the one reason every check on that
host reports.
"""

from __future__ import annotations

import dataclasses
import re

from conformance.hosts.script import RemoteFile, Section, decode_file, parse_sections


@dataclasses.dataclass(frozen=True)
class Process:
    """One line of `ps -eo pid,ppid,user,args`."""

    pid: int
    ppid: int
    user: str
    args: str


@dataclasses.dataclass(frozen=True)
class UnitState:
    """A systemd unit as `systemctl show` reports it."""

    name: str
    load_state: str  # "loaded", "not-found", "masked", ...
    active_state: str  # "active", "inactive", "failed", ...
    sub_state: str
    main_pid: int

    @property
    def exists(self) -> bool:
        return self.load_state not in ("not-found", "")

    def describe(self) -> str:
        if not self.exists:
            return f"{self.name}: unit not found (LoadState={self.load_state})"
        return f"{self.name}: {self.active_state} ({self.sub_state})"


@dataclasses.dataclass(frozen=True)
class CommandOutput:
    """Output and exit status of a command the fact script ran."""

    command: str
    output: str
    exit_status: int | None


@dataclasses.dataclass
class HostFacts:
    """Everything the checks read from one host, or the reason it could not be read."""

    address: str
    user: str
    error: str | None = None
    identity: str = ""
    files: dict[str, RemoteFile] = dataclasses.field(default_factory=dict)
    backups: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    commands: dict[str, CommandOutput] = dataclasses.field(default_factory=dict)
    units: dict[str, UnitState] = dataclasses.field(default_factory=dict)
    processes: list[Process] = dataclasses.field(default_factory=list)
    meminfo_kb: dict[str, int] = dataclasses.field(default_factory=dict)
    tcp: dict[str, CommandOutput] = dataclasses.field(default_factory=dict)
    clock: int | None = None
    # Values parsed from the facts (such as the Apache config), kept for the session.
    parsed: dict[str, object] = dataclasses.field(default_factory=dict, repr=False)

    def text_files(self) -> dict[str, str]:
        """Return the readable files as path -> text, for the config parsers."""
        return {p: f.text for p, f in self.files.items() if f.state == "ok"}


COMMAND_SECTIONS = {
    "httpd-syntax": "sudo -n /usr/sbin/httpd -t",
    "httpd-modules": "/usr/sbin/httpd -M",
    "pm2": "pm2 jlist",
    "listening": "ss -Hltn",
}


def build_facts(address: str, user: str, output: str) -> HostFacts:
    """Parse a fact script's output into HostFacts."""
    facts = HostFacts(address=address, user=user)
    for section in parse_sections(output):
        read_section(facts, section)
    return facts


def read_section(facts: HostFacts, section: Section) -> None:
    name = section.name
    if name == "identity":
        facts.identity = section.output.strip()
    elif name == "file":
        remote = decode_file(section)
        facts.files[remote.path] = remote
    elif name == "backups":
        facts.backups[section.argument] = [x for x in section.lines if x.strip()]
    elif name in COMMAND_SECTIONS:
        facts.commands[name] = CommandOutput(
            COMMAND_SECTIONS[name], section.output, section.exit_status
        )
    elif name == "systemctl":
        facts.units.update(parse_systemctl_show(section.output))
    elif name == "processes":
        facts.processes = parse_processes(section.output)
    elif name == "meminfo":
        facts.meminfo_kb = parse_meminfo(section.output)
    elif name == "tcp":
        facts.tcp[section.argument] = CommandOutput(
            f"tcp connect {section.argument}", section.output, section.exit_status
        )
    elif name == "clock":
        facts.clock = int(section.output.strip() or 0) or None


def parse_systemctl_show(text: str) -> dict[str, UnitState]:
    """Parse `systemctl show -p Id,LoadState,...` for several units.

    systemctl separates units with a blank line; a missing unit still gets a block,
    with LoadState=not-found, which is how a missing unit differs from a stopped one.
    """
    units: dict[str, UnitState] = {}
    for block in re.split(r"\n\s*\n", text.strip()):
        props = dict(line.split("=", 1) for line in block.splitlines() if "=" in line)
        unit_id = props.get("Id", "")
        if not unit_id:
            continue
        name = unit_id.removesuffix(".service")
        units[name] = UnitState(
            name=name,
            load_state=props.get("LoadState", ""),
            active_state=props.get("ActiveState", ""),
            sub_state=props.get("SubState", ""),
            main_pid=int(props.get("MainPID", "0") or 0),
        )
    return units


def parse_processes(text: str) -> list[Process]:
    processes = []
    for line in text.splitlines():
        fields = line.split(None, 3)
        if len(fields) < 4 or not fields[0].isdigit():
            continue
        pid, ppid, user, args = fields
        processes.append(Process(int(pid), int(ppid), user, args))
    return processes


def parse_meminfo(text: str) -> dict[str, int]:
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        number = rest.split()
        if number and number[0].isdigit():
            values[key.strip()] = int(number[0])
    return values


def parse_loaded_modules(text: str) -> list[tuple[str, str]]:
    """Return (module id, "static" or "shared") pairs from `httpd -M` output."""
    return re.findall(r"^\s*(\w+_module)\s+\((static|shared)\)", text, re.M)
