"""The shipped expectations.yaml: loads, keeps environments alike, stays offline."""

import dataclasses
import ipaddress
import sys
from collections.abc import Mapping

from conformance.expectations import Environment, load

from .helpers import SHIPPED

# Leaf fields in which two environments may differ: addresses, names, credentials,
# TLS trust, and the policy of where and how hard the suite may probe.
ALLOWED_DIFFERENCES = {
    "description",
    "allowed_networks",
    "address",
    "name",
    "host",
    "backend_url",
    "frontend_url",
    "tls",
    "credentials",
    "burst_by_default",
}

_socket_events: list[tuple[str, tuple]] | None = None


def _record_socket_events(event: str, args: tuple) -> None:
    if _socket_events is not None and event.startswith("socket."):
        _socket_events.append((event, args))


sys.addaudithook(_record_socket_events)


def _leaves(value: object, path: tuple = ()) -> dict[tuple, object]:
    if dataclasses.is_dataclass(value):
        value = {
            spec.name: getattr(value, spec.name)
            for spec in dataclasses.fields(value)
            if spec.metadata.get("yaml", True) is not False or spec.name == "ca_bundle"
        }
    if isinstance(value, Mapping):
        leaves = {}
        for key, item in value.items():
            leaves.update(_leaves(item, (*path, key)))
        return leaves
    return {path: value}


def test_shipped_file_loads():
    expectations = load(SHIPPED)

    assert set(expectations.environments) == {"dev", "lab"}
    assert expectations.runbook.version == "1.0.0"


def test_environment_fields_by_construction():
    names = {
        spec.name
        for spec in dataclasses.fields(Environment)
        if spec.metadata.get("yaml", True) is not False
    }

    assert names - {"name", "hosts", "dependencies"} <= ALLOWED_DIFFERENCES


def test_dev_and_lab_differ_only_in_allowed_fields():
    expectations = load(SHIPPED)
    dev = _leaves(expectations.environment("dev"))
    lab = _leaves(expectations.environment("lab"))

    differing = {
        path for path in dev.keys() | lab.keys() if dev.get(path) != lab.get(path)
    }

    assert dev.keys() == lab.keys()
    for path in differing - {("name",)}:
        assert path[0] in ALLOWED_DIFFERENCES or path[-1] in ALLOWED_DIFFERENCES, path


def test_dev_and_lab_share_roles_and_users():
    expectations = load(SHIPPED)
    dev = expectations.environment("dev")
    lab = expectations.environment("lab")

    assert dev.hosts.keys() == lab.hosts.keys()
    for role in dev.hosts:
        assert dev.hosts[role].user == lab.hosts[role].user
    assert dev.dependencies.keys() == lab.dependencies.keys()


def test_lab_stays_on_loopback():
    lab = load(SHIPPED).environment("lab")
    loopback = ipaddress.ip_network("127.0.0.0/8")

    for network in lab.allowed_networks:
        assert network.subnet_of(loopback), network


def test_dev_allows_runbook_hosts_only():
    dev = load(SHIPPED).environment("dev")

    assert {str(network) for network in dev.allowed_networks} == {
        "15.204.15.210/32",
        "15.204.15.169/32",
        "172.16.4.139/32",
        "172.16.3.213/32",
        "172.16.3.83/32",
    }


def test_dev_loads_offline():
    global _socket_events
    _socket_events = []
    try:
        dev = load(SHIPPED).environment("dev")
        _leaves(dev)
        dev.tls.ssl_context()
        dev.allows(dev.hosts["backend"].address)
    finally:
        events, _socket_events = _socket_events, None

    assert events == []
    assert dev.backend_url == "https://dev-backend.mightybox.site"
