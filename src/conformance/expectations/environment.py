"""Environments of expectations.yaml: where the checks run, and with which credentials.

An environment holds only addresses, names, credentials, TLS trust and its safety
policy (allowed networks, burst by default). The runbook's values sit outside the
environments, so two environments cannot disagree on them.
"""

import ipaddress
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from conformance import secrets
from conformance.errors import ExpectationsError
from conformance.expectations.checks import DEPENDENCY_NAMES
from conformance.expectations.fieldtypes import (
    EnvVarName,
    HostName,
    HttpUrl,
    IPAddressText,
    Networks,
    RelativeFile,
    UserName,
)
from conformance.expectations.schema import ExactKeys, Located

HOST_ROLES = ("backend", "frontend")
CREDENTIAL_PURPOSES = ("ssh_key", "known_hosts", "app_user", "app_password")


@dataclass(frozen=True)
class Host(Located):
    """A machine the checks log in to over SSH."""

    role: str = field(metadata={"key": True})
    address: IPAddressText
    name: HostName
    user: UserName


@dataclass(frozen=True)
class Dependency(Located):
    """A service the backend node needs, reached from that node on its port."""

    name: str = field(metadata={"key": True})
    host: IPAddressText


@dataclass(frozen=True)
class Tls(Located):
    """TLS trust: whether to verify, and the CA bundle named by `ca_bundle_env`.

    `ca_bundle` is read from that variable, or from the credentials' env file, when
    the expectations file is loaded. A relative path is taken from the expectations
    file's folder. It is None when neither the variable nor the env file sets it.
    """

    verify: bool
    ca_bundle_env: EnvVarName
    server_name: HostName
    ca_bundle: Path | None = field(default=None, metadata={"yaml": False})

    def ssl_context(self) -> ssl.SSLContext:
        """Return an SSL context that verifies against the bundle, or not at all."""
        if not self.verify:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return context
        if self.ca_bundle is None:
            return ssl.create_default_context()
        try:
            return ssl.create_default_context(cafile=str(self.ca_bundle))
        except (OSError, ssl.SSLError) as error:
            raise ExpectationsError(
                f"{self.where('ca_bundle_env')}: CA bundle from "
                f"{self.ca_bundle_env} cannot be read: {error} "
                f"(got {str(self.ca_bundle)!r}); set {self.ca_bundle_env} to a "
                "readable PEM file"
            ) from None


@dataclass(frozen=True)
class Credentials(Located):
    """Environment variable names of the credentials, never their values.

    Variables set in the process environment take precedence over `env_file`, a file
    of KEY=value lines relative to the expectations file's folder.
    """

    ssh_key_env: EnvVarName = field(metadata={"hidden": True})
    known_hosts_env: EnvVarName = field(metadata={"hidden": True})
    app_user_env: EnvVarName = field(metadata={"hidden": True})
    app_password_env: EnvVarName = field(metadata={"hidden": True})
    env_file: RelativeFile | None = None

    def variable(self, purpose: str) -> str:
        """Return the variable name for a purpose: ssh_key, known_hosts, app_user..."""
        if purpose not in CREDENTIAL_PURPOSES:
            raise ValueError(
                f"unknown credential {purpose!r}; use one of "
                f"{', '.join(CREDENTIAL_PURPOSES)}"
            )
        return getattr(self, f"{purpose}_env")

    def lookup(self, purpose: str) -> str | None:
        """Return a setting that is not secret (a path, a user name), or None."""
        return secrets.lookup(self.variable(purpose), self.env_file)

    def require(self, purpose: str) -> str:
        """Return a setting that is not secret; raise ExpectationsError if unset."""
        value = self.lookup(purpose)
        if value is None:
            raise self._missing(purpose)
        return value

    def secret(self, purpose: str = "app_password") -> secrets.Secret:
        """Return a secret, registered for redaction; raise if it is unset."""
        value = secrets.resolve_secret(self.variable(purpose), self.env_file)
        if value is None:
            raise self._missing(purpose)
        return value

    def _missing(self, purpose: str) -> ExpectationsError:
        name = self.variable(purpose)
        searched = f" or in {self.env_file}" if self.env_file else ""
        return ExpectationsError(
            f"{self.where(f'{purpose}_env')}: {name} is not set in the "
            f"environment{searched} (got None); export {name}, or for the lab "
            "run `make lab-up`, which writes the env file"
        )


@dataclass(frozen=True)
class Environment(Located):
    """One set of hosts the suite can target, chosen with `--env NAME`."""

    name: str = field(metadata={"key": True})
    description: str
    allowed_networks: Networks
    hosts: Annotated[Mapping[str, Host], ExactKeys(HOST_ROLES)]
    dependencies: Annotated[Mapping[str, Dependency], ExactKeys(DEPENDENCY_NAMES)]
    backend_url: HttpUrl
    frontend_url: HttpUrl
    tls: Tls
    credentials: Credentials
    burst_by_default: bool

    def allows(self, address: str) -> bool:
        """Return whether an IP address lies inside the allowed networks."""
        ip = ipaddress.ip_address(address)
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.allowed_networks)

    def networks_text(self) -> str:
        """Return the allowed networks as a comma-separated list for messages."""
        return ", ".join(str(network) for network in self.allowed_networks)
