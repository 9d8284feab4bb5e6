"""Parse the config files a host sent, once per host, with one clear error each."""

from __future__ import annotations

from typing import Any

from conformance.apache import ApacheConfig, load_apache_config
from conformance.celery import CeleryConfig, load_celery_config
from conformance.checks.common import command, reachable, remote_file
from conformance.errors import ConfigParseError
from conformance.hosts.facts import HostFacts, parse_loaded_modules
from conformance.sources import SnapshotFileSource
from conformance.verdict import NotObserved
from conformance.wsgi import WsgiConfig, read_wsgi


def apache_config(facts: HostFacts, apache: Any) -> ApacheConfig:
    """Return the host's Apache config as httpd reads it, or raise NotObserved."""
    key = f"apache:{apache.config_file}"
    if key not in facts.parsed:
        facts.parsed[key] = _read_apache_config(
            facts, apache.config_file, apache.server_root
        )
    return facts.parsed[key]


def _read_apache_config(
    facts: HostFacts, config_file: str, server_root: str
) -> ApacheConfig:
    remote_file(facts, config_file)
    try:
        return load_apache_config(
            config_file,
            server_root=server_root,
            source=SnapshotFileSource(facts.text_files()),
            static_modules=static_modules(facts),
        )
    except ConfigParseError as error:
        raise NotObserved(f"cannot parse the Apache config: {error}") from None


def static_modules(facts: HostFacts) -> list[str]:
    """Return the modules compiled into this httpd, as `httpd -M` lists them."""
    listing = reachable(facts).commands.get("httpd-modules")
    if listing is None:
        return []
    return [
        module
        for module, kind in parse_loaded_modules(listing.output)
        if kind == "static"
    ]


def loaded_modules(facts: HostFacts) -> list[str]:
    listing = command(facts, "httpd-modules")
    modules = [module for module, _ in parse_loaded_modules(listing.output)]
    if listing.exit_status != 0 or not modules:
        raise NotObserved(
            f"{listing.command} failed with exit status {listing.exit_status}: "
            f"{listing.output.strip()[-300:]}",
            where=listing.command,
        )
    return modules


def wsgi_config(facts: HostFacts, apache: Any) -> WsgiConfig:
    try:
        return read_wsgi(apache_config(facts, apache))
    except ConfigParseError as error:
        raise NotObserved(f"cannot parse the mod_wsgi settings: {error}") from None


def celery_config(facts: HostFacts, path: str) -> CeleryConfig:
    remote_file(facts, path)
    try:
        return load_celery_config(path, source=SnapshotFileSource(facts.text_files()))
    except ConfigParseError as error:
        raise NotObserved(f"cannot parse the Celery config: {error}") from None
