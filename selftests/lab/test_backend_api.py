"""The lab backend's API behaves as the runbook describes, over verified TLS."""

import json
import ssl
import time
import uuid

import httpx
import pytest

pytestmark = pytest.mark.lab

BACKEND_URL = "https://127.0.10.10"
DEPENDENCIES = {"postgresql", "redis", "rabbitmq"}


@pytest.fixture(scope="module")
def client(credentials):
    with httpx.Client(
        base_url=BACKEND_URL,
        verify=ssl.create_default_context(cafile=credentials["LAB_CA_BUNDLE"]),
        timeout=httpx.Timeout(15.0, connect=3.0),
    ) as client:
        yield client


@pytest.fixture
def session(client, credentials):
    """Log in as the lab operator; return the session cookie value."""
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": credentials["LAB_APP_USER"],
            "password": credentials["LAB_APP_PASSWORD"],
        },
    )
    assert response.status_code == 200
    token = response.cookies["session"]
    # The other tests choose per request whether to send the cookie.
    client.cookies.clear()
    return token


def with_session(token: str) -> dict[str, str]:
    return {"Cookie": f"session={token}"}


def test_ping_answers_ok(client):
    response = client.get("/api/v1/health/ping")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ping_answers_on_plain_http():
    response = httpx.get("http://127.0.10.10/api/v1/health/ping", timeout=5)

    assert response.status_code == 200


def test_live_reports_daemon_pid(client):
    body = client.get("/api/v1/health/live").json()

    assert body["status"] == "alive"
    assert body["pid"] > 1


def test_ready_names_each_dependency(client):
    response = client.get("/api/v1/health/ready")
    body = response.json()

    assert response.status_code == 200
    assert set(body["dependencies"]) == DEPENDENCIES
    assert {check["status"] for check in body["dependencies"].values()} == {"ok"}
    assert body["failed"] == []


def test_celery_summary_counts_workers_and_consumers(client):
    response = client.get("/api/v1/health/celery")
    body = response.json()

    assert response.status_code == 200
    assert body["mode"] == "summary"
    assert body["queue"] == "jobs.env.create"
    assert body["online_workers"] == 2
    assert body["consumers"] == 2
    assert body["workers"] == ["w1@backend", "w2@backend"]


@pytest.mark.slow
def test_celery_deep_inspects_each_worker(client):
    response = client.get("/api/v1/health/celery/deep")
    workers = response.json()["workers"]

    assert response.status_code == 200
    assert sorted(workers) == ["w1@backend", "w2@backend"]
    for worker in workers.values():
        assert worker["concurrency"] == 1
        assert worker["queues"] == ["jobs.env.create"]
        assert "env.create" in worker["registered_tasks"]


@pytest.mark.slow
def test_full_health_includes_broker_and_workers(client):
    response = client.get("/api/v1/health")
    checks = response.json()["checks"]

    assert response.status_code == 200
    assert set(checks) >= DEPENDENCIES
    assert checks["celery_workers"]["online_workers"] == 2
    assert checks["queue"]["consumers"] == 2


def test_login_sets_httponly_secure_cookie(client, credentials):
    response = client.post(
        "/api/v1/auth/login",
        json={
            "username": credentials["LAB_APP_USER"],
            "password": credentials["LAB_APP_PASSWORD"],
        },
    )
    set_cookie = response.headers["set-cookie"]
    client.cookies.clear()

    assert response.status_code == 200
    assert set_cookie.startswith("session=")
    assert "HttpOnly" in set_cookie
    assert "Secure" in set_cookie


def test_login_rejects_wrong_password(client, credentials):
    response = client.post(
        "/api/v1/auth/login",
        json={"username": credentials["LAB_APP_USER"], "password": "wrong"},
    )

    assert response.status_code == 401
    assert "set-cookie" not in response.headers


def test_forged_session_is_rejected(client, session):
    user, expiry, _ = session.split(".")
    forged = f"{user}.{int(expiry) + 3600}.{'0' * 64}"

    response = client.get(
        "/api/v1/environments/favorites", headers=with_session(forged)
    )

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/environments/favorites"),
        ("POST", "/api/v1/environments/favorites/toggle"),
    ],
)
def test_favorites_require_session(client, method, path):
    response = client.request(method, path, json={"environment_id": "env-a"})

    assert response.status_code == 401


def test_favorite_toggle_round_trip(client, session):
    environment_id = f"selftest-{uuid.uuid4()}"
    headers = with_session(session)

    added = client.post(
        "/api/v1/environments/favorites/toggle",
        json={"environment_id": environment_id},
        headers=headers,
    ).json()
    listed = client.get("/api/v1/environments/favorites", headers=headers).json()
    removed = client.post(
        "/api/v1/environments/favorites/toggle",
        json={"environment_id": environment_id},
        headers=headers,
    ).json()

    assert added["favorite"] is True
    assert environment_id in listed["favorites"]
    assert removed["favorite"] is False


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_legacy_favourites_route_is_gone(client, session, method):
    response = client.request(
        method, "/api/v1/favourites", headers=with_session(session)
    )

    assert response.status_code == 404


def test_stream_without_cookie_is_rejected(client):
    response = client.get("/api/v1/events/stream")

    assert response.status_code == 401


def read_events(lines, *, until, timeout_s: float) -> list[tuple[str, dict]]:
    """Collect (event, data) pairs from SSE lines until `until` is true."""
    events, name, deadline = [], None, time.monotonic() + timeout_s
    for line in lines:
        if line.startswith("event: "):
            name = line.removeprefix("event: ")
        elif line.startswith("data: ") and name:
            events.append((name, json.loads(line.removeprefix("data: "))))
            if until(events):
                return events
        if time.monotonic() > deadline:
            break
    return events


@pytest.mark.slow
def test_stream_relays_job_status_events(client, session):
    headers = with_session(session)

    with client.stream("GET", "/api/v1/events/stream", headers=headers) as stream:
        lines = stream.iter_lines()
        first = read_events(lines, until=bool, timeout_s=10)
        job = client.post(
            "/api/v1/environments", json={"name": "selftest"}, headers=headers
        ).json()
        events = read_events(
            lines,
            until=lambda seen: any(
                data.get("job_id") == job["job_id"] and data.get("state") == "done"
                for _, data in seen
            ),
            timeout_s=20,
        )

    assert stream.headers["content-type"].startswith("text/event-stream")
    assert first[0][0] == "heartbeat"
    assert first[0][1]["relay"] == "connected"
    states = [data["state"] for name, data in events if name == "status"]
    assert states[0] == "started"
    assert states[-1] == "done"
