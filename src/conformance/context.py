"""Per-process state of a suite run: the expectations, the environment and its hosts.

Each pytest-xdist worker has its own SuiteContext, so each worker opens at most one SSH
connection per host and gathers each host's facts once. Every target passes the
allowed-networks guard before a socket is opened.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

import httpx

from conformance.errors import ConformanceError, HostUnreachable
from conformance.guard import ensure_allowed
from conformance.hosts import script
from conformance.hosts.facts import HostFacts, build_facts
from conformance.hosts.ssh import open_host
from conformance.probes.client import ClientSettings, build_client

log = logging.getLogger(__name__)


class SuiteContext:
    """The selected environment and lazily opened connections to its hosts."""

    def __init__(self, expectations: Any, environment: Any) -> None:
        self.expectations = expectations
        self.environment = environment
        self.checks = expectations.checks
        self.timeouts = expectations.timeouts
        self._hosts: dict[str, Any] = {}
        # Results of probes that several checks read (TLS, SSE, burst), per worker.
        self.cache: dict[str, Any] = {}

    def ensure_allowed(self, target: str) -> None:
        """Raise TargetRejected unless the target lies in the allowed networks."""
        ensure_allowed(target, self.environment)

    # Hosts over SSH

    def host(self, role: str) -> Any:
        """Return the testinfra Host of a role ("backend" or "frontend")."""
        if role not in self._hosts:
            target = self.environment.hosts[role]
            ensure_allowed(target.address, self.environment)
            self._hosts[role] = open_host(
                address=target.address,
                user=target.user,
                port=getattr(target, "port", 22) or 22,
                identity_file=self.environment.credentials.require("ssh_key"),
                known_hosts_file=self.environment.credentials.lookup("known_hosts"),
                connect_timeout_s=self.timeouts.ssh_connect_s,
                command_timeout_s=self.timeouts.ssh_command_s,
            )
        return self._hosts[role]

    def run_script(self, role: str, text: str) -> HostFacts:
        target = self.environment.hosts[role]
        started = time.monotonic()
        try:
            result = self.host(role).run(text)
        except (ConformanceError, OSError) as error:
            reason = str(error) if isinstance(error, HostUnreachable) else repr(error)
            log.warning("%s %s: facts not gathered: %s", role, target.address, reason)
            return HostFacts(target.address, target.user, error=reason)
        log.info(
            "%s %s: facts gathered in %.2f s",
            role,
            target.address,
            time.monotonic() - started,
        )
        return build_facts(target.address, target.user, result.stdout)

    @functools.cached_property
    def backend_facts(self) -> HostFacts:
        checks = self.checks
        dependencies = self.environment.dependencies
        ports = checks.dependencies.ports
        text = script.backend_script(
            config_dirs=[checks.apache.server_root],
            extra_files=[
                checks.apache.config_file,
                checks.wsgi.config_file,
                checks.celery.config_file,
            ],
            backup_of=list(checks.backups.files),
            units=list(checks.services.units),
            tcp_targets=[(dependencies[name].host, ports[name]) for name in ports],
            tcp_timeout_s=self.timeouts.ssh_connect_s,
        )
        return self.run_script("backend", text)

    @functools.cached_property
    def frontend_facts(self) -> HostFacts:
        units = list(self.checks.frontend.services)
        return self.run_script("frontend", script.frontend_script(units=units))

    # HTTP

    def client_settings(self, base_url: str | None = None) -> ClientSettings:
        """Return HTTP client settings for the backend URL (or another env URL)."""
        url = base_url or self.environment.backend_url
        ensure_allowed(url, self.environment)
        tls = self.environment.tls
        verify: str | bool = tls.verify
        if tls.verify and tls.ca_bundle is not None:
            verify = str(tls.ca_bundle)
        return ClientSettings(
            base_url=url,
            verify=verify,
            connect_timeout_s=self.timeouts.http_connect_s,
            read_timeout_s=self.timeouts.http_read_s,
        )

    def http_client(self, base_url: str | None = None) -> httpx.Client:
        """Return a new httpx client for the backend (or another) URL of the env."""
        return build_client(self.client_settings(base_url))

    def close(self) -> None:
        for host in self._hosts.values():
            host.backend.close()
        self._hosts.clear()
