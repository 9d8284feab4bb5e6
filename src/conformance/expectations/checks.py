"""Check groups of expectations.yaml: the runbook's values, shared by every environment.

Each group carries `runbook`, the section that states its values, and `remediation`,
the section whose first step a person on call takes when a check of the group fails.
Health endpoints may override `remediation` and `runbook`; they inherit them otherwise.
"""

import types
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Annotated

from conformance.expectations.fieldtypes import (
    AbsolutePath,
    ApacheCode,
    CookieName,
    DirectiveName,
    Fraction,
    HttpStatus,
    Identifier,
    ModuleId,
    MpmName,
    OptionName,
    Port,
    PositiveInt,
    PositiveNumber,
    SectionRef,
    UrlPath,
)
from conformance.expectations.matchers import Matcher
from conformance.expectations.schema import ExactKeys, Located, NonEmpty, OneOf

DEPENDENCY_NAMES = ("postgresql", "redis", "rabbitmq")


SEVERITIES = ("critical", "major", "minor")
Severity = Annotated[str, OneOf(SEVERITIES)]


@dataclass(frozen=True)
class CheckGroup(Located):
    """Base of every check group: its runbook section and its remediation section.

    `severity` decides whether a failure fails the run (docs/exit-codes.md); a group
    without one is "major".
    """

    runbook: SectionRef
    remediation: SectionRef
    severity: Severity | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class ApacheSyntax(CheckGroup):
    command: str


@dataclass(frozen=True)
class ApacheChecks(CheckGroup):
    server_root: AbsolutePath
    config_file: AbsolutePath
    loaded_mpm: MpmName
    # MPM name -> directive -> value; every listed block is checked.
    mpm: Annotated[Mapping[MpmName, Mapping[DirectiveName, PositiveInt]], NonEmpty()]
    modules: tuple[ModuleId, ...]
    error_log: AbsolutePath
    syntax: ApacheSyntax


@dataclass(frozen=True)
class WsgiDaemon:
    processes: PositiveInt
    threads: PositiveInt


@dataclass(frozen=True)
class WsgiChecks(CheckGroup):
    config_file: AbsolutePath
    daemon: WsgiDaemon


@dataclass(frozen=True)
class CeleryChecks(CheckGroup):
    config_file: AbsolutePath
    nodes: Annotated[tuple[Identifier, ...], NonEmpty()]
    # `celery multi` options without their leading dashes.
    options: Mapping[OptionName, int | str]
    queue: Identifier
    consumers: PositiveInt


@dataclass(frozen=True)
class ServiceChecks(CheckGroup):
    units: Annotated[tuple[Identifier, ...], NonEmpty()]


@dataclass(frozen=True)
class DependencyChecks(CheckGroup):
    ports: Annotated[Mapping[str, Port], ExactKeys(DEPENDENCY_NAMES)]


@dataclass(frozen=True)
class TlsChecks(CheckGroup):
    port: Port
    min_days_to_expiry: PositiveInt


@dataclass(frozen=True)
class FrontendChecks(CheckGroup):
    services: Annotated[tuple[Identifier, ...], NonEmpty()]
    pm2_app: Identifier
    app_port: Port


@dataclass(frozen=True)
class BackupChecks(CheckGroup):
    files: Annotated[tuple[AbsolutePath, ...], NonEmpty()]


@dataclass(frozen=True)
class Endpoint(Located):
    """One health endpoint's contract; `deep` endpoints run only when selected."""

    path: str = field(metadata={"key": True})
    status: HttpStatus
    p95_ms: PositiveNumber | None = None
    deep: bool = False
    runbook: SectionRef | None = field(default=None, metadata={"inherit": True})
    remediation: SectionRef | None = field(default=None, metadata={"inherit": True})
    severity: Severity | None = field(default=None, metadata={"inherit": True})
    fields: Mapping[str, Matcher] = field(
        default_factory=lambda: types.MappingProxyType({}),
    )


@dataclass(frozen=True)
class HealthChecks(CheckGroup):
    samples: PositiveInt
    endpoints: Annotated[Mapping[UrlPath, Endpoint], NonEmpty()]


@dataclass(frozen=True)
class RouteChecks(CheckGroup):
    require_auth: tuple[UrlPath, ...]
    retired: tuple[UrlPath, ...]


@dataclass(frozen=True)
class SseChecks(CheckGroup):
    login_path: UrlPath
    stream_path: UrlPath
    cookie_name: CookieName
    first_event_within_s: PositiveNumber


@dataclass(frozen=True)
class BurstCaps:
    """Hard limits that no burst setting may exceed, from a file or a command line."""

    concurrency: PositiveInt
    requests: PositiveInt
    max_duration_s: PositiveNumber


@dataclass(frozen=True)
class Burst(Located):
    path: UrlPath
    concurrency: PositiveInt
    requests: PositiveInt
    max_duration_s: PositiveNumber
    max_error_rate: Fraction
    p95_ms: PositiveNumber
    caps: BurstCaps


@dataclass(frozen=True)
class CapacityChecks(CheckGroup):
    min_free_memory_mb: PositiveInt
    burst: Burst
    pressure_codes: Annotated[tuple[ApacheCode, ...], NonEmpty()]


@dataclass(frozen=True)
class Checks(Located):
    """Every check group, by the name used in test ids."""

    apache: ApacheChecks
    wsgi: WsgiChecks
    celery: CeleryChecks
    services: ServiceChecks
    dependencies: DependencyChecks
    tls: TlsChecks
    frontend: FrontendChecks
    backups: BackupChecks
    health: HealthChecks
    routes: RouteChecks
    sse: SseChecks
    capacity: CapacityChecks

    def groups(self) -> dict[str, CheckGroup]:
        """Return the check groups by name, in the order of the file's schema."""
        return {
            spec.name: getattr(self, spec.name)
            for spec in fields(self)
            if spec.metadata.get("yaml", True)
        }
