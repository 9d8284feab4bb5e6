"""Read the live values of an environment, for `conformance init`.

Each value is read with the same parsers and check functions the suite uses, and
carries a note naming where it was read (file:line on the host, a command, or an
endpoint). A value that cannot be read keeps the value of the expectations file the
run started from, and its note gives the reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from conformance.apache import effective_mpm
from conformance.checks.config import apache_config, celery_config, loaded_modules
from conformance.checks.frontend import listening, pm2_processes
from conformance.checks.host import celery_running, tcp_reachable, unit_active
from conformance.checks.wsgi import serving_group
from conformance.errors import ConfigParseError
from conformance.hosts.facts import HostFacts
from conformance.probes.http import sample_endpoint
from conformance.verdict import NotObserved

Path = tuple[str, ...]
APACHE = ("checks", "apache")
WSGI = ("checks", "wsgi")
CELERY = ("checks", "celery")


@dataclasses.dataclass
class LiveValues:
    """Values read from the hosts by key path, with a note on each."""

    values: dict[Path, Any] = dataclasses.field(default_factory=dict)
    notes: dict[Path, str] = dataclasses.field(default_factory=dict)
    unread: list[str] = dataclasses.field(default_factory=list)

    def set(self, path: Path, value: Any, note: str) -> None:
        self.values[path] = value
        self.notes[path] = note

    def note(self, path: Path, note: str) -> None:
        self.notes[path] = note

    def keep(self, path: Path, reason: str) -> None:
        """Keep the given file's value at `path`, noting why it was not read."""
        self.notes[path] = f"NOT READ, kept from the given file: {reason}"
        self.unread.append(f"{'.'.join(path)}: {reason}")

    def attempt(self, path: Path, read: Callable[[], None]) -> None:
        """Run `read`; keep the given value at `path` if it raises NotObserved."""
        try:
            read()
        except NotObserved as error:
            self.keep(path, error.reason)
        except ConfigParseError as error:
            self.keep(path, str(error))


def read_live_values(
    backend: HostFacts, frontend: HostFacts, checks: Any, suite: Any
) -> LiveValues:
    """Read every value `conformance init` writes; `suite` sends the HTTP requests."""
    live = LiveValues()
    live.attempt((*APACHE, "mpm"), lambda: read_apache(live, backend, checks))
    live.attempt((*APACHE, "modules"), lambda: read_modules(live, backend, checks))
    live.attempt((*WSGI, "daemon"), lambda: read_wsgi(live, backend, checks))
    live.attempt((*CELERY, "nodes"), lambda: read_celery(live, backend, checks))
    read_host_states(live, backend, frontend, checks, suite)
    if suite is not None:
        read_endpoints(live, checks, suite)
    return live


def read_apache(live: LiveValues, facts: HostFacts, checks: Any) -> None:
    config = apache_config(facts, checks.apache)
    loaded = config.loaded_mpm()
    if loaded:
        live.set(
            (*APACHE, "loaded_mpm"),
            loaded,
            f"mpm_{loaded}_module is loaded by {checks.apache.config_file}",
        )
    for mpm, directives in checks.apache.mpm.items():
        settings = effective_mpm(config, mpm)
        for directive in directives:
            value = settings[directive]
            live.set((*APACHE, "mpm", mpm, directive), value.effective, mpm_note(value))


def mpm_note(value: Any) -> str:
    """Say where an effective MPM value comes from."""
    if value.configured_at is None:
        note = "httpd's default, not configured"
    else:
        note = f"configured {value.configured_text} at {value.configured_at}"
    if value.adjustments:
        note += "; " + "; ".join(value.adjustments)
    return note


def read_modules(live: LiveValues, facts: HostFacts, checks: Any) -> None:
    loaded = loaded_modules(facts)
    kept = [module for module in checks.apache.modules if module in loaded]
    missing = [module for module in checks.apache.modules if module not in loaded]
    note = f"loaded according to /usr/sbin/httpd -M on {facts.address}"
    if missing:
        note += f"; not loaded, so left out: {', '.join(missing)}"
    live.set((*APACHE, "modules"), kept, note)


def read_wsgi(live: LiveValues, facts: HostFacts, checks: Any) -> None:
    group = serving_group(facts, checks)
    for option in ("processes", "threads"):
        written = group.options.get(option)
        note = f"set at {written.at}" if written else "mod_wsgi's default, not set"
        live.set(
            (*WSGI, "daemon", option),
            getattr(group, option),
            f"{note} (WSGIDaemonProcess {group.name})",
        )


def read_celery(live: LiveValues, facts: HostFacts, checks: Any) -> None:
    config = celery_config(facts, checks.celery.config_file)
    names = [node.name for node in config.nodes]
    variable = config.env.variables.get("CELERYD_NODES")
    running = celery_running(facts, names)
    where = variable.at if variable else checks.celery.config_file
    live.set(
        (*CELERY, "nodes"),
        names,
        f"CELERYD_NODES at {where}; running: {', '.join(running.observed) or 'none'}",
    )
    opts = config.env.variables.get("CELERYD_OPTS")
    where = opts.at if opts else checks.celery.config_file
    for name in checks.celery.options:
        read_celery_option(live, config, name, where)


def read_celery_option(live: LiveValues, config: Any, name: str, where: str) -> None:
    """Set a `celery multi` option when every node runs with the same value."""
    path = (*CELERY, "options", name)
    by_node = {}
    for node in config.nodes:
        value = node.effective().get(f"--{name}")
        by_node[node.name] = value.value if value else None
    values = set(by_node.values())
    if len(values) != 1 or None in values:
        live.keep(path, f"the nodes do not all set --{name} alike: {by_node}")
        return
    value = str(values.pop())
    live.set(
        path,
        int(value) if value.isdigit() else value,
        f"--{name} for nodes {', '.join(by_node)}, CELERYD_OPTS at {where}",
    )


def read_host_states(
    live: LiveValues,
    backend: HostFacts,
    frontend: HostFacts,
    checks: Any,
    suite: Any,
) -> None:
    """Note unit, port and process states beside the values they concern."""
    live.attempt(
        ("checks", "services", "units"),
        lambda: live.note(
            ("checks", "services", "units"),
            "; ".join(
                unit_active(backend, unit).observed for unit in checks.services.units
            ),
        ),
    )
    for name, port in checks.dependencies.ports.items():
        path = ("checks", "dependencies", "ports", name)
        host = suite.environment.dependencies[name].host if suite else name
        live.attempt(
            path,
            lambda host=host, port=port, path=path: live.note(
                path, f"{tcp_reachable(backend, host, port).observed} from the backend"
            ),
        )
    read_frontend(live, frontend, checks)
    for index, path in enumerate(checks.backups.files):
        found = backend.backups.get(path) if not backend.error else None
        latest = f"latest backup {found[-1]}" if found else "no backup found"
        live.note(("checks", "backups", "files", str(index)), latest)


def read_frontend(live: LiveValues, facts: HostFacts, checks: Any) -> None:
    group = ("checks", "frontend")
    live.attempt(
        (*group, "services"),
        lambda: live.note(
            (*group, "services"),
            "; ".join(unit_active(facts, u).observed for u in checks.frontend.services),
        ),
    )
    live.attempt((*group, "pm2_app"), lambda: read_pm2(live, facts, checks))
    live.attempt(
        (*group, "app_port"),
        lambda: live.note(
            (*group, "app_port"),
            f"listening: {listening(facts, checks.frontend.app_port).observed}",
        ),
    )


def read_pm2(live: LiveValues, facts: HostFacts, checks: Any) -> None:
    online = [
        str(p.get("name"))
        for p in pm2_processes(facts)
        if p.get("pm2_env", {}).get("status") == "online"
    ]
    path = ("checks", "frontend", "pm2_app")
    where = f"pm2 jlist on {facts.address}"
    if checks.frontend.pm2_app in online:
        live.note(path, f"online in {where}")
    elif len(online) == 1:
        live.set(path, online[0], f"the one app online in {where}")
    else:
        live.keep(path, f"apps online in {where}: {', '.join(online) or 'none'}")


def read_endpoints(live: LiveValues, checks: Any, suite: Any) -> None:
    """Record each probe endpoint's current status; deep endpoints are not sent."""
    settings = suite.client_settings()
    for path, spec in checks.health.endpoints.items():
        key = ("checks", "health", "endpoints", path, "status")
        if spec.deep:
            live.note(key, "deep diagnostic, not requested")
            continue
        result = sample_endpoint(settings, path, samples=1)
        status = result.samples[-1].status
        if status is None:
            live.keep(key, f"GET {result.url} failed: {result.samples[-1].error}")
            continue
        live.set(key, status, f"GET {result.url} returned {status}")
        body = result.last_json
        if path.endswith("/celery") and isinstance(body, dict):
            read_consumers(live, body, result.url)


def read_consumers(live: LiveValues, body: dict[str, Any], url: str) -> None:
    consumers = body.get("consumers")
    if isinstance(consumers, int) and not isinstance(consumers, bool):
        queue = body.get("queue", "the queue")
        live.set(
            (*CELERY, "consumers"),
            consumers,
            f"consumers on {queue} reported by GET {url}",
        )
