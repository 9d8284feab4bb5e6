"""One shell script per host that prints every fact the checks need, in sections.

The suite runs the script in a single SSH round trip and parses its output locally, so
a host is asked once per session however many checks read it. The script is plain POSIX
sh, reads only, and uses `sudo -n` only for the read-only commands the runbook grants.
Each section starts with a line ``@@MBP <name> <argument>@@``; file contents are base64
so that no text in a file can end a section early.
"""

from __future__ import annotations

import base64
import dataclasses
import importlib.resources
import shlex

MARK = "@@MBP "

PRELUDE = (importlib.resources.files(__package__) / "prelude.sh").read_text()


@dataclasses.dataclass(frozen=True)
class Section:
    """One section of the script's output."""

    name: str
    argument: str
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def exit_status(self) -> int | None:
        for line in reversed(self.lines):
            if line.startswith("@@rc "):
                return int(line.split()[1])
        return None

    @property
    def output(self) -> str:
        return "\n".join(line for line in self.lines if not line.startswith("@@rc "))


@dataclasses.dataclass(frozen=True)
class RemoteFile:
    """A file as the host returned it: its text, or why it could not be read."""

    path: str
    state: str  # "ok", "missing" or "unreadable"
    text: str = ""


def backend_script(
    *,
    config_dirs: list[str],
    extra_files: list[str],
    backup_of: list[str],
    units: list[str],
    tcp_targets: list[tuple[str, int]],
    tcp_timeout_s: float,
) -> str:
    """Build the backend node's fact script."""
    q = shlex.quote
    parts = [PRELUDE, "mark identity; id -un"]
    for folder in config_dirs:
        # -L because RHEL and Debian link enabled config files in from elsewhere.
        # httpd reads them under the link's name, so that is the path sent.
        parts.append(
            f"find -L {q(folder)} -type f -name '*.conf' 2>/dev/null | sort | "
            'while IFS= read -r f; do dump "$f"; done'
        )
    parts += [f"dump {q(path)}" for path in extra_files]
    for path in backup_of:
        pattern = f"{q(path)}.bak.*"
        parts.append(
            f"mark backups {q(path)}; ls -1d {pattern} 2>/dev/null | sort; "
            f"latest=$(ls -1d {pattern} 2>/dev/null | sort | tail -n 1); "
            '[ -n "$latest" ] && dump "$latest"'
        )
    parts += [
        "mark httpd-syntax; sudo -n /usr/sbin/httpd -t 2>&1; status $?",
        # `httpd -M` needs no root, and the runbook's sudo rules do not grant it.
        "mark httpd-modules; /usr/sbin/httpd -M 2>&1; status $?",
        systemctl_section(units),
        "mark processes; ps -eo pid=,ppid=,user=,args=",
        "mark meminfo; cat /proc/meminfo",
        "mark clock; date +%s",
    ]
    parts += [
        f"tcp_probe {q(host)} {port} {tcp_timeout_s:g}" for host, port in tcp_targets
    ]
    return "\n".join(parts) + "\n"


def frontend_script(*, units: list[str]) -> str:
    """Build the frontend node's fact script."""
    return (
        "\n".join(
            [
                PRELUDE,
                "mark identity; id -un",
                systemctl_section(units),
                # `pm2 jlist` starts a PM2 daemon when none runs, so it is asked only
                # when the daemon's socket exists: the suite changes nothing on a host.
                'mark pm2; if [ -S "${PM2_HOME:-$HOME/.pm2}/rpc.sock" ]; then '
                "pm2 jlist 2>/dev/null; status $?; "
                'else echo "no PM2 daemon runs for $(id -un)"; status 3; fi',
                "mark listening; ss -Hltn 2>/dev/null; status $?",
                "mark processes; ps -eo pid=,ppid=,user=,args=",
            ]
        )
        + "\n"
    )


def systemctl_section(units: list[str]) -> str:
    names = " ".join(shlex.quote(f"{unit}.service") for unit in units)
    return (
        f"mark systemctl; systemctl show {names} --no-pager "
        "-p Id,LoadState,ActiveState,SubState,MainPID 2>&1; status $?"
    )


def parse_sections(output: str) -> list[Section]:
    """Split the script's output into sections, in order."""
    sections: list[Section] = []
    name, argument, lines = "", "", []
    for line in output.splitlines():
        if line.startswith(MARK) and line.endswith("@@"):
            if name:
                sections.append(Section(name, argument, tuple(lines)))
            header = line[len(MARK) : -2]
            name, _, argument = header.partition(" ")
            lines = []
        elif name and (line or lines):
            lines.append(line)
    if name:
        sections.append(Section(name, argument, tuple(lines)))
    return sections


def decode_file(section: Section) -> RemoteFile:
    """Turn a ``file`` section into a RemoteFile."""
    state = section.lines[0] if section.lines else "missing"
    if state != "ok":
        return RemoteFile(section.argument, state)
    payload = "".join(section.lines[1:]).strip()
    text = base64.b64decode(payload).decode("utf-8", errors="replace")
    return RemoteFile(section.argument, "ok", text)
