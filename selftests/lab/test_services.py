"""Every lab service accepts connections on its port and speaks its protocol."""

import socket
import ssl
import subprocess

import httpx
import pytest
from labstate import LAB_DIR, LAB_NODES, all_services

pytestmark = pytest.mark.lab

PORT_SERVICES = [service for service in all_services() if service.port]


def exchange(address: str, port: int, request: bytes, size: int = 64) -> bytes:
    with socket.create_connection((address, port), timeout=5) as connection:
        connection.sendall(request)
        return connection.recv(size)


@pytest.mark.parametrize("service", PORT_SERVICES, ids=lambda s: s.test_id)
def test_service_port_accepts_connections(service):
    with socket.create_connection((service.address, service.port), timeout=5):
        pass


@pytest.fixture(scope="module")
def lab_status() -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LAB_DIR / "status")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("node", LAB_NODES)
def test_status_shows_node_up(node, lab_status):
    node_lines = [
        line for line in lab_status.stdout.splitlines() if line.startswith(node)
    ]

    assert node_lines, lab_status.stdout
    assert " up " in node_lines[0], lab_status.stdout


def test_status_reports_every_unit_active(lab_status):
    # lab/status exits 3 when a unit is not active, and its output shows which.
    assert lab_status.returncode == 0, lab_status.stdout


def test_postgresql_answers_ssl_request(credentials):
    # An SSLRequest message is the length 8, then the code 80877103. The
    # server replies with one byte, S when it offers TLS and N when it does not.
    request = (8).to_bytes(4, "big") + (80877103).to_bytes(4, "big")

    reply = exchange(credentials["LAB_PG_HOST"], 5432, request, size=1)

    assert reply in (b"S", b"N")


def test_postgresql_accepts_app_login(credentials):
    # The venv has no PostgreSQL driver, so psql inside the deps node logs in
    # over TCP to the node's address, as the app does.
    result = subprocess.run(
        [
            str(LAB_DIR / "lib" / "exec"),
            "deps",
            "env",
            f"PGPASSWORD={credentials['LAB_PG_PASSWORD']}",
            "psql",
            "--no-psqlrc",
            "--tuples-only",
            "--no-align",
            f"--host={credentials['LAB_PG_HOST']}",
            f"--username={credentials['LAB_PG_USER']}",
            f"--dbname={credentials['LAB_PG_DATABASE']}",
            "--command=SELECT current_user, current_database()",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    expected = f"{credentials['LAB_PG_USER']}|{credentials['LAB_PG_DATABASE']}"
    assert result.stdout.strip() == expected


def test_redis_answers_ping(credentials):
    reply = exchange(credentials["LAB_REDIS_HOST"], 6379, b"PING\r\n")

    assert reply == b"+PONG\r\n"


def test_rabbitmq_starts_amqp_handshake(credentials):
    reply = exchange(credentials["LAB_RABBITMQ_HOST"], 5672, b"AMQP\x00\x00\x09\x01")

    # A method frame (type 1) on channel 0 carrying connection.start (10, 10).
    assert reply[0] == 1
    assert reply[1:3] == b"\x00\x00"
    assert reply[7:11] == b"\x00\x0a\x00\x0a"


def test_rabbitmq_management_accepts_app_user(credentials):
    base_url = f"http://{credentials['LAB_RABBITMQ_HOST']}:15672/api"
    auth = (credentials["LAB_RABBITMQ_USER"], credentials["LAB_RABBITMQ_PASSWORD"])
    vhost = credentials["LAB_RABBITMQ_VHOST"]

    whoami = httpx.get(f"{base_url}/whoami", auth=auth, timeout=5)
    queues = httpx.get(f"{base_url}/queues/{vhost}", auth=auth, timeout=5)

    assert whoami.status_code == 200
    assert whoami.json()["name"] == credentials["LAB_RABBITMQ_USER"]
    assert queues.status_code == 200


def test_rabbitmq_has_no_guest_user(credentials):
    response = httpx.get(
        f"http://{credentials['LAB_RABBITMQ_HOST']}:15672/api/whoami",
        auth=("guest", "guest"),
        timeout=5,
    )

    assert response.status_code == 401


@pytest.mark.parametrize("url", ["http://127.0.10.20/", "http://127.0.10.20:3000/"])
def test_frontend_returns_page(url):
    response = httpx.get(url, timeout=5)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>MBPanel</h1>" in response.text


def test_backend_tls_verifies_with_lab_ca(credentials):
    context = ssl.create_default_context(cafile=credentials["LAB_CA_BUNDLE"])

    with (
        socket.create_connection(("127.0.10.10", 443), timeout=5) as connection,
        context.wrap_socket(connection, server_hostname="backend.lab.test") as tls,
    ):
        certificate = tls.getpeercert()

    names = [value for _, value in certificate["subjectAltName"]]
    assert "backend.lab.test" in names
    assert "127.0.10.10" in names
