"""Checks of what runs on a host: units, processes, ports, memory and backups."""

from __future__ import annotations

import difflib
import re

from conformance.checks.common import command, last_lines, reachable
from conformance.hosts.facts import HostFacts, Process
from conformance.verdict import NotObserved, Observation


def unit_active(facts: HostFacts, unit: str) -> Observation:
    state = reachable(facts).units.get(unit)
    if state is None:
        raise NotObserved(f"systemctl show returned nothing for {unit}.service")
    return Observation(
        ok=state.exists and state.active_state == "active",
        expected=f"{unit}: active",
        observed=state.describe(),
        where=f"systemctl show {unit}.service on {facts.address}",
    )


def tcp_reachable(facts: HostFacts, host: str, port: int) -> Observation:
    target = f"{host}:{port}"
    result = reachable(facts).tcp.get(target)
    if result is None:
        raise NotObserved(f"the backend did not probe {target}")
    ok = result.exit_status == 0
    if ok:
        observed = "connected"
    elif result.exit_status == 124:
        observed = "timed out"
    else:
        observed = f"failed: {last_lines(result.output, 1) or 'no output'}"
    return Observation(
        ok=ok,
        expected=f"TCP connect to {target} from the backend",
        observed=observed,
        where=f"backend {facts.address}: bash /dev/tcp/{host}/{port}",
    )


def memory_headroom(facts: HostFacts, min_free_mb: int) -> Observation:
    meminfo = reachable(facts).meminfo_kb
    if "MemAvailable" not in meminfo:
        raise NotObserved(
            "/proc/meminfo has no MemAvailable line", where="/proc/meminfo"
        )
    available_mb = meminfo["MemAvailable"] // 1024
    total_mb = meminfo.get("MemTotal", 0) // 1024
    return Observation(
        ok=available_mb >= min_free_mb,
        expected=f"MemAvailable >= {min_free_mb} MiB",
        observed=f"{available_mb} MiB available of {total_mb} MiB",
        where=f"/proc/meminfo on {facts.address}",
        details={"snapshot": {"enough_memory": available_mb >= min_free_mb}},
    )


BACKUP_SUFFIX = re.compile(r"\.bak\.(?P<stamp>.+)$")


def latest_backup(facts: HostFacts, path: str) -> Observation:
    backups = reachable(facts).backups.get(path, [])
    if not backups:
        return Observation(
            ok=False,
            expected=f"at least one {path}.bak.<timestamp>",
            observed="no backup",
            where=f"ls {path}.bak.* on {facts.address}",
        )
    latest = backups[-1]
    copy = facts.files.get(latest)
    readable = copy is not None and copy.state == "ok"
    live = facts.files.get(path)
    snapshot: dict[str, object] = {"latest_backup": latest, "backups": len(backups)}
    # The reports show snapshots of kind "rollback" as the backup and its diff.
    snapshot.update(kind="rollback", file=path, backup=latest)
    if readable and live is not None and live.state == "ok":
        snapshot["diff"] = unified_diff(copy.text, live.text, latest, path)
    details = {"snapshot": snapshot}
    return Observation(
        ok=readable,
        expected=f"latest {path}.bak.<timestamp> exists and is readable",
        observed=f"{latest} ({'readable' if readable else 'not readable'})",
        where=f"ls {path}.bak.* on {facts.address}",
        details=details,
    )


def unified_diff(before: str, after: str, before_name: str, after_name: str) -> str:
    """Return the unified diff from the backup to the live file ("" if identical)."""
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=before_name,
        tofile=after_name,
    )
    return "".join(lines)


def syntax_ok(facts: HostFacts) -> Observation:
    result = command(facts, "httpd-syntax")
    output = result.output.strip()
    return Observation(
        ok=result.exit_status == 0 and "Syntax OK" in output,
        expected="Syntax OK",
        observed=last_lines(output) or f"exit status {result.exit_status}",
        where=f"{result.command} on {facts.address}",
    )


def worker_nodes(processes: list[Process]) -> dict[str, list[Process]]:
    """Return running Celery worker nodes by name (the part of -n before @).

    Prefork children repeat their parent's command line, so a node counts once: only
    processes whose parent is not a worker of the same node are node main processes.
    """
    by_pid = {p.pid: p for p in processes}
    nodes: dict[str, list[Process]] = {}
    for process in processes:
        name = celery_node_name(process.args)
        if name is None:
            continue
        parent = by_pid.get(process.ppid)
        if parent is not None and celery_node_name(parent.args) == name:
            continue
        nodes.setdefault(name, []).append(process)
    return nodes


NODE_OPTION = re.compile(r"(?:^|\s)(?:-n|--hostname)[ =](?P<name>[^@\s]+)")
# With setproctitle installed, Celery renames its processes like this.
PROCESS_TITLE = re.compile(r"^\[celeryd: (?P<name>[^@\s\]]+)@")


def celery_node_name(args: str) -> str | None:
    """Return the node name of a Celery worker process, or None for any other."""
    titled = PROCESS_TITLE.match(args)
    if titled:
        return titled.group("name")
    words = args.split()
    program = words[0].rsplit("/", 1)[-1] if words else ""
    runs_celery = program == "celery" or (
        program.startswith("python") and words[1:3] == ["-m", "celery"]
    )
    if not runs_celery or "worker" not in words:
        return None
    match = NODE_OPTION.search(args)
    return match.group("name") if match else None


def celery_running(facts: HostFacts, expected: list[str]) -> Observation:
    nodes = worker_nodes(reachable(facts).processes)
    observed = sorted(nodes)
    return Observation(
        ok=observed == sorted(expected),
        expected=sorted(expected),
        observed=observed,
        where=f"ps -eo pid,ppid,args on {facts.address} (celery worker -n NAME@)",
        details={"snapshot": {"nodes": observed}},
    )


def daemon_processes(facts: HostFacts, display_name: str) -> list[Process]:
    """Return mod_wsgi daemon processes: their argv[0] is the display-name.

    mod_wsgi overwrites argv[0] only, so ps shows the name followed by the rest of
    httpd's arguments, such as "(wsgi:mbpanel) -DFOREGROUND".
    """
    found = []
    for process in reachable(facts).processes:
        rest = process.args.removeprefix(display_name)
        if rest != process.args and (not rest or rest[0].isspace()):
            found.append(process)
    return found


def wsgi_live_processes(
    facts: HostFacts, display_name: str | None, expected: int
) -> Observation:
    if not display_name:
        raise NotObserved(
            "the WSGIDaemonProcess has no display-name, so its processes cannot be "
            "told apart from httpd's; add display-name=%{GROUP}"
        )
    found = daemon_processes(facts, display_name)
    return Observation(
        ok=len(found) == expected,
        expected=expected,
        observed=len(found),
        where=f"ps -eo args on {facts.address} (processes named {display_name!r})",
        details={"snapshot": {"processes": len(found)}},
    )
