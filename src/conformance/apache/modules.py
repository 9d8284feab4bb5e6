"""Module names as <IfModule> matches them, and which MPM a module is.

httpd 2.4's <IfModule> test (find_module() in server/core.c) matches either the
module's identifier, the symbol LoadModule names (mpm_event_module), or the
module's own name, which is the base name of the C source file that declares it
(event.c, mod_ssl.c). The file name of the shared object (mod_mpm_event.so) and
names such as mod_mpm_event.c match nothing. Both comparisons are case-sensitive.
"""

from __future__ import annotations

import dataclasses

# Modules whose source file does not follow the mod_<name>.c pattern, from the
# httpd 2.4 source tree (server/mpm/*/*.c, modules/http/http_core.c, server/core.c).
_SOURCE_FILES = {
    "core_module": "core.c",
    "http_module": "http_core.c",
    "mpm_event_module": "event.c",
    "mpm_worker_module": "worker.c",
    "mpm_prefork_module": "prefork.c",
    "mpm_winnt_module": "mpm_winnt.c",
}

MPM_MODULES = {
    "event": "mpm_event_module",
    "worker": "mpm_worker_module",
    "prefork": "mpm_prefork_module",
}

# Compiled into every httpd 2.4 binary; RHEL's `httpd -l` lists exactly these.
DEFAULT_STATIC_MODULES = ("core_module", "so_module", "http_module")

# Debian's apache2 2.4 (bookworm) compiles these in; `apache2 -l` lists them.
DEBIAN_STATIC_MODULES = (
    "core_module",
    "so_module",
    "watchdog_module",
    "http_module",
    "log_config_module",
    "logio_module",
    "version_module",
    "unixd_module",
)


@dataclasses.dataclass(frozen=True)
class LoadedModule:
    """A module present in the server: its symbol and where it was loaded."""

    symbol: str
    at: str | None  # "file:line" of the LoadModule line; None when compiled in

    @property
    def source_file(self) -> str:
        return source_file_name(self.symbol)


def source_file_name(symbol: str) -> str:
    """Return the module name <IfModule> matches for a LoadModule symbol.

    NOTE: third-party modules whose C file is not mod_<name>.c are not known
    here, so <IfModule their_file.c> evaluates as if the module were absent.
    """
    if symbol in _SOURCE_FILES:
        return _SOURCE_FILES[symbol]
    return "mod_" + symbol.removesuffix("_module") + ".c"


def mpm_of(symbol: str) -> str | None:
    """Return "event", "worker" or "prefork" for an MPM module symbol, else None."""
    for name, mpm_symbol in MPM_MODULES.items():
        if symbol == mpm_symbol:
            return name
    return None


def module_matches(test: str, module: LoadedModule) -> bool:
    """Return True when an <IfModule> argument names this module."""
    return test in (module.symbol, module.source_file)
