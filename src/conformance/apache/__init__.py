"""Apache httpd 2.4 configuration, read the way httpd reads it at start.

config = load_apache_config("/etc/httpd/conf/httpd.conf", server_root="/etc/httpd")
config.loaded_mpm()                          # "event"
effective_mpm(config, "worker")["MaxRequestWorkers"].effective
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from conformance.apache.config import ApacheConfig, Directive, ReadOptions, Section
from conformance.apache.modules import (
    DEBIAN_STATIC_MODULES,
    DEFAULT_STATIC_MODULES,
    LoadedModule,
)
from conformance.apache.mpm import MpmSettings, MpmValue, effective_mpm
from conformance.apache.reader import read_config
from conformance.sources import FileSource, LocalFileSource

__all__ = [
    "DEBIAN_STATIC_MODULES",
    "DEFAULT_STATIC_MODULES",
    "ApacheConfig",
    "Directive",
    "LoadedModule",
    "MpmSettings",
    "MpmValue",
    "Section",
    "effective_mpm",
    "load_apache_config",
    "loaded_mpm",
]


def load_apache_config(
    path: str,
    *,
    server_root: str,
    source: FileSource | None = None,
    defines: Iterable[str] = (),
    static_modules: Iterable[str] = DEFAULT_STATIC_MODULES,
    environment: Mapping[str, str] | None = None,
) -> ApacheConfig:
    """Read an httpd configuration and every file it includes.

    server_root is the directory httpd was built with (`httpd -V`, HTTPD_ROOT) and
    is replaced by a ServerRoot directive once httpd reads one. defines are the
    names passed with -D. static_modules are the module symbols compiled into the
    binary: DEFAULT_STATIC_MODULES for RHEL's httpd, DEBIAN_STATIC_MODULES for
    Debian's apache2. environment resolves ${VAR} names that no Define sets, as
    httpd's own environment would.

    Raise ConfigParseError, naming file:line, for input httpd would reject.
    """
    options = ReadOptions(
        server_root=server_root,
        defines=tuple(defines),
        static_modules=tuple(static_modules),
        environment=dict(environment or {}),
    )
    return read_config(path, source or LocalFileSource(), options)


def loaded_mpm(config: ApacheConfig) -> str | None:
    """Return "event", "worker" or "prefork" as the config loads it, or None."""
    return config.loaded_mpm()
