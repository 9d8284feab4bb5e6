"""A testinfra SSH backend with host-key checking, timeouts and a connection count.

testinfra's own paramiko backend accepts unknown host keys with a warning, reads
~/.ssh/config and waits forever for a command that never ends. The suite needs the
opposite on each point, so this subclass connects with the environment's key and
known_hosts file only, bounds the connect, banner, auth and command time, and logs one
line per connection and per command with the host.
"""

from __future__ import annotations

import collections
import logging
import socket
import threading
import time
from typing import Any

import paramiko
import testinfra.host
from testinfra.backend.paramiko import ParamikoBackend

from conformance.errors import HostUnreachable

log = logging.getLogger(__name__)

# Connections opened by this process per "user@address:port", for the benchmark.
CONNECTIONS: collections.Counter[str] = collections.Counter()
_connections_lock = threading.Lock()


class BoundedSSHBackend(ParamikoBackend):
    """Paramiko backend that verifies host keys and bounds each wait by a timeout."""

    NAME = "conformance-ssh"

    def __init__(
        self,
        hostspec: str,
        *,
        identity_file: str | None,
        known_hosts_file: str | None,
        connect_timeout_s: float,
        command_timeout_s: float,
        **kwargs: Any,
    ) -> None:
        super().__init__(hostspec, ssh_identity_file=identity_file, **kwargs)
        self.known_hosts_file = known_hosts_file
        self.connect_timeout_s = connect_timeout_s
        self.command_timeout_s = command_timeout_s

    @property
    def label(self) -> str:
        return f"{self.host.user}@{self.host.name}:{self.host.port or 22}"

    def _new_client(self) -> paramiko.SSHClient:
        client = paramiko.SSHClient()
        if self.known_hosts_file:
            client.load_host_keys(self.known_hosts_file)
        else:
            # As ssh does without UserKnownHostsFile: trust ~/.ssh/known_hosts only.
            client.load_system_host_keys()
        client.set_missing_host_key_policy(paramiko.RejectPolicy())
        return client

    @property
    def client(self) -> paramiko.SSHClient:  # type: ignore[override]
        cached = self.__dict__.get("_client")
        if cached is not None:
            return cached
        client = self._new_client()
        started = time.monotonic()
        try:
            client.connect(
                hostname=self.host.name,
                port=int(self.host.port or 22),
                username=self.host.user,
                key_filename=self.ssh_identity_file,
                timeout=self.connect_timeout_s,
                banner_timeout=self.connect_timeout_s,
                auth_timeout=self.connect_timeout_s,
                allow_agent=False,
                look_for_keys=False,
            )
        except (OSError, paramiko.SSHException) as error:
            elapsed = time.monotonic() - started
            raise HostUnreachable(
                f"ssh {self.label}: {describe_ssh_error(error)} after {elapsed:.1f} s "
                f"(connect timeout {self.connect_timeout_s:g} s); check that sshd runs "
                "on the host and that the key and known_hosts file are the right ones"
            ) from error
        with _connections_lock:
            CONNECTIONS[self.label] += 1
        log.info("ssh %s: connected in %.2f s", self.label, time.monotonic() - started)
        self.__dict__["_client"] = client
        return client

    def _exec_command(self, command: bytes) -> tuple[int, bytes, bytes]:
        transport = self.client.get_transport()
        if transport is None or not transport.is_active():
            self.close()
            transport = self.client.get_transport()
        channel = transport.open_session(timeout=self.connect_timeout_s)
        channel.settimeout(self.command_timeout_s)
        started = time.monotonic()
        try:
            channel.exec_command(command)
            stdout = channel.makefile("rb").read()
            stderr = channel.makefile_stderr("rb").read()
            status = channel.recv_exit_status()
        except TimeoutError as error:
            raise HostUnreachable(
                f"ssh {self.label}: command did not finish within "
                f"{self.command_timeout_s:g} s; the host is overloaded or the "
                "command hangs"
            ) from error
        finally:
            channel.close()
        elapsed = time.monotonic() - started
        log.info("ssh %s: command exited %d in %.2f s", self.label, status, elapsed)
        return status, stdout, stderr

    def run(self, command: str, *args: str, **kwargs: Any) -> Any:
        encoded = self.encode(self.get_command(command, *args))
        status, stdout, stderr = self._exec_command(encoded)
        return self.result(status, encoded, stdout, stderr)

    def close(self) -> None:
        client = self.__dict__.pop("_client", None)
        if client is not None:
            client.close()


def describe_ssh_error(error: BaseException) -> str:
    """Return a short, plain description of why an SSH connection failed."""
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.timeout | TimeoutError):
        return "connection timed out"
    if isinstance(error, paramiko.BadHostKeyException):
        return "host key does not match the known_hosts file"
    if isinstance(error, paramiko.AuthenticationException):
        return "authentication failed"
    if isinstance(error, paramiko.SSHException) and "not found in known_hosts" in str(
        error
    ):
        return "host key not found in the known_hosts file"
    if isinstance(error, paramiko.ssh_exception.NoValidConnectionsError):
        return "connection refused"
    return f"{type(error).__name__}: {error}"


def open_host(
    *,
    address: str,
    user: str,
    port: int = 22,
    identity_file: str | None,
    known_hosts_file: str | None,
    connect_timeout_s: float,
    command_timeout_s: float,
) -> testinfra.host.Host:
    """Return a testinfra Host on one lazily opened, reused SSH connection."""
    backend = BoundedSSHBackend(
        f"{user}@{address}:{port}",
        identity_file=identity_file,
        known_hosts_file=known_hosts_file,
        connect_timeout_s=connect_timeout_s,
        command_timeout_s=command_timeout_s,
    )
    return testinfra.host.Host(backend)
