"""Helpers shared by the check functions."""

from __future__ import annotations

from conformance.hosts.facts import CommandOutput, HostFacts
from conformance.hosts.script import RemoteFile
from conformance.verdict import NotObserved


def reachable(facts: HostFacts) -> HostFacts:
    """Return the facts, or raise NotObserved when the host could not be read."""
    if facts.error:
        raise NotObserved(facts.error, where=f"ssh {facts.user}@{facts.address}")
    return facts


def remote_file(facts: HostFacts, path: str) -> RemoteFile:
    """Return a file the host sent, or raise NotObserved saying why it is absent."""
    found = reachable(facts).files.get(path)
    if found is None or found.state == "missing":
        raise NotObserved(f"{path} does not exist on the host", where=path)
    if found.state != "ok":
        raise NotObserved(
            f"{path} is not readable by {facts.user}, even with sudo -n", where=path
        )
    return found


def command(facts: HostFacts, name: str) -> CommandOutput:
    found = reachable(facts).commands.get(name)
    if found is None:
        raise NotObserved(f"the host returned no output for {name}")
    return found


def last_lines(text: str, count: int = 3) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return " | ".join(lines[-count:])
