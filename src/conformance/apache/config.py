"""The result of reading an Apache configuration: active directives and modules."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from conformance.apache.modules import LoadedModule, mpm_of
from conformance.sources import FileSource, Location, config_error


@dataclasses.dataclass(frozen=True)
class Section:
    """An enclosing container such as <VirtualHost *:443> or <Directory /srv>."""

    name: str
    arg: str
    at: str  # "file:line" of the opening line


@dataclasses.dataclass(frozen=True)
class Directive:
    """One directive httpd acts on, with the place it was read from.

    Directives inside a false <IfModule>, <IfDefine> or <IfFile> are not kept.
    """

    name: str  # spelled as in the file; compare with `key`
    args: tuple[str, ...]  # words after quotes and escapes are resolved
    raw_args: str  # the argument text after ${VAR} substitution, before splitting
    file: str
    line: int
    context: tuple[Section, ...] = ()  # outermost first; empty at server level

    @property
    def key(self) -> str:
        return self.name.lower()

    @property
    def at(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def location(self) -> Location:
        return Location(self.file, self.line)

    def enclosing(self, section_name: str) -> Section | None:
        """Return the innermost enclosing section of that name, if any."""
        target = section_name.lower()
        for section in reversed(self.context):
            if section.name.lower() == target:
                return section
        return None


@dataclasses.dataclass(frozen=True)
class ReadOptions:
    """The settings httpd starts with before it reads the first config line."""

    server_root: str
    defines: tuple[str, ...] = ()  # names passed with -D
    static_modules: tuple[str, ...] = ()  # module symbols compiled into httpd
    environment: Mapping[str, str] = dataclasses.field(default_factory=dict)
    mpm_override: str | None = None  # "event", "worker" or "prefork"


@dataclasses.dataclass
class ApacheConfig:
    """An Apache configuration read the way httpd reads it at start."""

    path: str
    source: FileSource
    options: ReadOptions
    server_root: str  # after any ServerRoot directive
    directives: list[Directive] = dataclasses.field(default_factory=list)
    modules: list[LoadedModule] = dataclasses.field(default_factory=list)
    defines: dict[str, str | None] = dataclasses.field(default_factory=dict)
    files_read: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)

    def find(self, name: str) -> list[Directive]:
        """Return the active directives of that name, in the order httpd reads them."""
        key = name.lower()
        return [directive for directive in self.directives if directive.key == key]

    def has_module(self, symbol: str) -> bool:
        return any(module.symbol == symbol for module in self.modules)

    def loaded_mpms(self) -> list[LoadedModule]:
        return [module for module in self.modules if mpm_of(module.symbol)]

    def loaded_mpm(self) -> str | None:
        """Return the MPM the configuration loads, or None when it loads none.

        Raise ConfigParseError when it loads more than one, which httpd rejects
        at start (AH00534).
        """
        mpms = self.loaded_mpms()
        if len(mpms) > 1:
            second = mpms[1]
            raise config_error(
                _location_of(second, self.path),
                f"a second MPM is loaded ({second.symbol!r} after "
                f"{mpms[0].symbol!r}) and httpd refuses to start with two",
                "keep one LoadModule line for an MPM",
            )
        return mpm_of(mpms[0].symbol) if mpms else None


def _location_of(module: LoadedModule, fallback: str) -> Location:
    if module.at is None:
        return Location(fallback, None)
    file, _, line = module.at.rpartition(":")
    return Location(file, int(line))
