"""The loaded expectations: runbook sections, environments, timeouts and checks."""

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Annotated

from conformance.expectations.checks import Checks
from conformance.expectations.environment import Environment
from conformance.expectations.fieldtypes import (
    Identifier,
    PositiveNumber,
    SectionNumber,
    Version,
)
from conformance.expectations.messages import located_error
from conformance.expectations.schema import Located, NonEmpty, OneOf

SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Section(Located):
    """A runbook section: its number, title and the first step to take.

    Unpacks as `(number, title, first_step)`.
    """

    number: str = field(metadata={"key": True})
    title: str
    first_step: str

    def __iter__(self) -> Iterator[str]:
        return iter((self.number, self.title, self.first_step))

    def describe(self) -> str:
        """Return the section for a failure message: number, title and first step."""
        return f"runbook {self.number} {self.title}; first step: {self.first_step}"


@dataclass(frozen=True)
class RunbookInfo(Located):
    title: str
    version: Version
    updated: datetime.date


@dataclass(frozen=True)
class Timeouts(Located):
    """Network timeouts in seconds, applied to every host of every environment."""

    ssh_connect_s: PositiveNumber
    ssh_command_s: PositiveNumber
    http_connect_s: PositiveNumber
    http_read_s: PositiveNumber


@dataclass(frozen=True)
class Expectations(Located):
    """The whole expectations file; `source` and `sha256` identify it in reports."""

    schema_version: Annotated[int, OneOf((SCHEMA_VERSION,))]
    runbook: RunbookInfo
    runbook_sections: Annotated[Mapping[SectionNumber, Section], NonEmpty()]
    environments: Annotated[Mapping[Identifier, Environment], NonEmpty()]
    timeouts: Timeouts
    checks: Checks
    sha256: str = field(default="", metadata={"yaml": False})

    def environment(self, name: str) -> Environment:
        """Return environment `name`; the error names the environments that exist."""
        if name in self.environments:
            return self.environments[name]
        names = ", ".join(self.environments)
        raise located_error(
            self.source,
            self.lines.line("environments") if self.lines else 1,
            f"no environment named {name!r} in this file",
            got=name,
            fix=f"choose one of: {names} (--env NAME), or add it under environments",
        )

    def section(self, number: str) -> Section:
        """Return a runbook section, which unpacks as (number, title, first_step)."""
        if number in self.runbook_sections:
            return self.runbook_sections[number]
        raise located_error(
            self.source,
            self.lines.line("runbook_sections") if self.lines else 1,
            f"no runbook section {number!r} in this file",
            got=number,
            fix=f"use one of: {', '.join(self.runbook_sections)}",
        )
