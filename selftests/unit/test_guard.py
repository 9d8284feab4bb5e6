"""The network guard: targets outside the allowed networks never see a packet."""

import contextlib
import dataclasses
import ipaddress
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conformance.errors import TargetRejected
from conformance.expectations import load
from conformance.guard import ensure_allowed, guard_connections, target_host

SHIPPED = Path(__file__).resolve().parents[2] / "expectations.yaml"
# The listener binds here; the environment under test allows only 127.0.5.0/24.
LISTENER_ADDRESS = "127.0.0.77"


@pytest.fixture(scope="module")
def lab():
    return load(SHIPPED).environment("lab")


@pytest.fixture(scope="module")
def shifted_lab(tmp_path_factory):
    """The lab environment moved to 127.0.5.0/24, away from the listener."""
    folder = tmp_path_factory.mktemp("shifted")
    path = folder / "expectations.yaml"
    path.write_text(SHIPPED.read_text().replace("127.0.10.", "127.0.5."))
    return load(path).environment("lab")


@pytest.fixture
def listener():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((LISTENER_ADDRESS, 0))
    server.listen(8)
    server.settimeout(0.5)
    yield server
    server.close()


def accepted(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return False
    connection.close()
    return True


@pytest.mark.parametrize(
    ("target", "host"),
    [
        pytest.param("127.0.10.10", "127.0.10.10", id="address"),
        pytest.param("https://127.0.10.10/api/v1/health/ping", "127.0.10.10", id="url"),
        pytest.param("apache@127.0.10.10:22", "127.0.10.10", id="user-host-port"),
        pytest.param("[::1]:8443", "::1", id="bracketed-ipv6"),
        pytest.param("https://[::1]:8443/", "::1", id="ipv6-url"),
        pytest.param(("127.0.10.20", 22), "127.0.10.20", id="socket-address"),
        pytest.param("backend.lab.test", "backend.lab.test", id="name"),
    ],
)
def test_target_host_parsed(target, host):
    assert target_host(target) == host


def test_lab_address_allowed(lab):
    assert ensure_allowed("https://127.0.10.10", lab) == ("127.0.10.10",)
    assert ensure_allowed("apache@127.0.10.20:22", lab) == ("127.0.10.20",)


def test_ipv4_mapped_address_checked_as_ipv4(lab):
    assert ensure_allowed("::ffff:127.0.10.31", lab) == ("127.0.10.31",)


def test_outside_address_rejected_with_details(lab):
    with pytest.raises(TargetRejected) as caught:
        ensure_allowed("http://127.0.0.1:8000/metrics", lab)

    message = str(caught.value)
    assert "target 'http://127.0.0.1:8000/metrics' is 127.0.0.1" in message
    assert "environment 'lab' (127.0.10.0/24, set at " in message
    assert f"{SHIPPED}:" in message
    assert "the suite did not connect" in message
    assert "add 127.0.0.1 to environments.lab.allowed_networks" in message


def test_dev_address_rejected_in_lab(lab):
    with pytest.raises(TargetRejected, match=r"is 15\.204\.15\.210, outside"):
        ensure_allowed("15.204.15.210", lab)


def test_empty_target_rejected(lab):
    with pytest.raises(TargetRejected, match="has no host"):
        ensure_allowed("https://", lab)
    with pytest.raises(TargetRejected, match="has no host"):
        ensure_allowed("", lab)


def fake_resolver(monkeypatch, answers):
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        result = answers[host]
        if isinstance(result, Exception):
            raise result
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, 0))
            for address in result
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return calls


def test_import_resolves_nothing():
    code = (
        "import sys\n"
        "events = []\n"
        "sys.addaudithook(lambda e, a: e.startswith('socket.') and events.append(e))\n"
        "import conformance.guard, conformance.expectations\n"
        "print(events)\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == "[]"


def test_name_resolved_at_call(monkeypatch, lab):
    calls = fake_resolver(monkeypatch, {"backend.lab.test": ["127.0.10.10"]})

    addresses = ensure_allowed("https://backend.lab.test/api", lab)

    assert addresses == ("127.0.10.10",)
    assert calls == ["backend.lab.test"]


def test_every_resolved_address_must_be_allowed(monkeypatch, lab):
    fake_resolver(monkeypatch, {"backend.lab.test": ["127.0.10.10", "127.0.0.9"]})

    with pytest.raises(TargetRejected) as caught:
        ensure_allowed("backend.lab.test", lab)

    assert "target 'backend.lab.test' resolves to 127.0.0.9, outside" in str(
        caught.value
    )


def test_unresolvable_name_rejected(monkeypatch, lab):
    fake_resolver(
        monkeypatch,
        {"nowhere.lab.test": socket.gaierror(socket.EAI_NONAME, "Name unknown")},
    )

    with pytest.raises(
        TargetRejected, match=r"'nowhere\.lab\.test' cannot be resolved"
    ):
        ensure_allowed("nowhere.lab.test", lab)


def test_hung_resolver_times_out(monkeypatch, lab):
    def slow(host, port, *args, **kwargs):
        time.sleep(2)
        return []

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    started = time.monotonic()

    with pytest.raises(TargetRejected, match=r"timed out after 0\.2 s"):
        ensure_allowed("slow.lab.test", lab, resolve_timeout_s=0.2)

    assert time.monotonic() - started < 1.5


def test_localhost_resolves_to_loopback(shifted_lab):
    with pytest.raises(TargetRejected, match="localhost' resolves to"):
        ensure_allowed("localhost", shifted_lab)


def test_rejected_target_sends_no_packet(listener, shifted_lab):
    host, port = listener.getsockname()

    with pytest.raises(TargetRejected):
        ensure_allowed(f"http://{host}:{port}/", shifted_lab)
    with guard_connections(shifted_lab), pytest.raises(TargetRejected):
        socket.create_connection((host, port), timeout=1)

    assert not accepted(listener)


def test_guard_stops_httpx_before_connect(listener, shifted_lab):
    host, port = listener.getsockname()

    with guard_connections(shifted_lab), pytest.raises(TargetRejected):
        httpx.get(f"http://{host}:{port}/api/v1/health/ping", timeout=1)

    assert not accepted(listener)


def test_guard_stops_udp_datagram(shifted_lab):
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.bind((LISTENER_ADDRESS, 0))
    receiver.settimeout(0.3)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

    with contextlib.closing(receiver), contextlib.closing(sender):
        with guard_connections(shifted_lab), pytest.raises(TargetRejected):
            sender.sendto(b"probe", receiver.getsockname())
        with pytest.raises(TimeoutError):
            receiver.recv(16)


def test_listener_sees_allowed_connection(listener, lab):
    host, port = listener.getsockname()
    loopback = dataclasses.replace(
        lab,
        allowed_networks=(ipaddress.ip_network("127.0.0.0/24"),),
    )

    with guard_connections(loopback):
        socket.create_connection((host, port), timeout=1).close()

    assert accepted(listener)


def test_guard_inactive_after_block(listener, shifted_lab):
    host, port = listener.getsockname()
    with guard_connections(shifted_lab):
        pass

    socket.create_connection((host, port), timeout=1).close()

    assert accepted(listener)
