"""No lab secret reaches a report, a log or the suite's output, pass or fail.

The secrets are the lab's passwords and private keys from .lab/credentials.env, and
any session cookie: the suite logs in to open the SSE stream, and the cookie it gets
back must never be written anywhere. The suite runs with DEBUG logs on its output,
so every log line is searched too.
"""

from __future__ import annotations

import os
import re
import secrets
import ssl
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
import suiterun

pytestmark = [pytest.mark.lab, pytest.mark.slow]

BACKEND_URL = "https://127.0.10.10"
LOGIN_PATH = "/api/v1/auth/login"
# A fault that fails checks on both sides of the SSH and HTTP split, so failure
# messages, tracebacks and captured logs all get written.
FAILING_FAULT = "ssh-down-frontend"
LOG_ARGS = ("-o", "log_cli=true", "--log-cli-level=DEBUG", "--log-level=DEBUG")
# pytest-xdist workers do not print live logs, so these runs use no workers.
NO_WORKERS = 0
# A key body line is at least this long; shorter lines ("-----END ...") are
# not secret and could match by chance.
MIN_KEY_LINE = 20


def password_values(credentials: dict[str, str]) -> dict[str, str]:
    return {
        name: value
        for name, value in credentials.items()
        if name.endswith("_PASSWORD") and value
    }


def private_key_lines(credentials: dict[str, str]) -> dict[str, str]:
    """Return each long line of each private key file the credentials point to."""
    lines = {}
    for name, value in credentials.items():
        path = Path(value)
        if not (name.endswith("_KEY") and path.is_file()):
            continue
        text = path.read_text()
        if "PRIVATE KEY" not in text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if len(line) >= MIN_KEY_LINE and not line.startswith("-----"):
                lines[f"{name} line {number}"] = line
    return lines


def login_cookie(credentials: dict[str, str]) -> str:
    """Log in as the suite does and return the session cookie the backend sets."""
    with httpx.Client(
        base_url=BACKEND_URL,
        verify=ssl.create_default_context(cafile=credentials["LAB_CA_BUNDLE"]),
        timeout=10,
    ) as client:
        response = client.post(
            LOGIN_PATH,
            json={
                "username": credentials["LAB_APP_USER"],
                "password": credentials["LAB_APP_PASSWORD"],
            },
        )
    assert response.status_code == 200, response.text
    return response.cookies["session"]


def cookie_shape(user: str) -> re.Pattern[str]:
    # The backend's cookie is `<user>.<expiry epoch>.<hex HMAC-SHA256>`.
    return re.compile(re.escape(user) + r"\.\d{9,}\.[0-9a-f]{64}")


# `session=` followed by anything but the mask the suite writes in its place.
SESSION_VALUE = re.compile(r"(?i)\bsession=(?!\*\*\*)[^\s;&\"',]+")


def written_texts(run: suiterun.SuiteRun) -> dict[str, str]:
    """Return every file of the reports folder and the run's output, by name."""
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    for path in sorted(run.reports_dir.rglob("*")):
        if path.is_file():
            texts[str(path.relative_to(run.reports_dir))] = path.read_text(
                errors="replace"
            )
    return texts


def leaks(run: suiterun.SuiteRun, secret_values: dict[str, str], user: str) -> list:
    found = []
    shape = cookie_shape(user)
    for where, text in written_texts(run).items():
        for name, value in secret_values.items():
            if value in text:
                found.append(f"{name} in {where}")
        for match in SESSION_VALUE.finditer(text):
            found.append(f"cookie {match.group(0)[:24]}... in {where}")
        if shape.search(text):
            found.append(f"a session cookie value in {where}")
    return found


@pytest.fixture(scope="module")
def secret_values(credentials) -> dict[str, str]:
    values = {**password_values(credentials), **private_key_lines(credentials)}
    values["session cookie of a fresh login"] = login_cookie(credentials)
    return values


def test_secrets_listed(secret_values):
    names = set(secret_values)

    assert "LAB_APP_PASSWORD" in names
    assert any(name.startswith("LAB_SSH_KEY line") for name in names)
    assert any(name.startswith("LAB_BACKEND_KEY line") for name in names)


def test_cookie_shape_matches_login(credentials, secret_values):
    cookie = secret_values["session cookie of a fresh login"]

    assert cookie_shape(credentials["LAB_APP_USER"]).fullmatch(cookie)
    assert SESSION_VALUE.search(f"Cookie: session={cookie}")
    assert not SESSION_VALUE.search("Cookie: session=***")


def test_leak_search_finds_planted_values(credentials, secret_values, tmp_path):
    cookie = secret_values["session cookie of a fresh login"]
    (tmp_path / "junit.xml").write_text(
        f"<failure>password {secret_values['LAB_APP_PASSWORD']}</failure>"
    )
    run = suiterun.SuiteRun(
        returncode=1,
        wall_s=0.0,
        stdout=f"DEBUG sent Cookie: session={cookie}",
        stderr="",
        reports_dir=tmp_path,
        checks=[],
    )

    found = leaks(run, secret_values, credentials["LAB_APP_USER"])

    assert "LAB_APP_PASSWORD in junit.xml" in found
    assert "session cookie of a fresh login in stdout" in found
    assert "a session cookie value in stdout" in found


def test_healthy_run_writes_no_secret(credentials, secret_values, tmp_path):
    suiterun.heal()
    run = suiterun.run_suite(
        tmp_path, burst=True, workers=NO_WORKERS, extra_args=LOG_ARGS
    )

    assert run.checks, run.stdout[-2000:]
    assert run.failed() == {}, list(run.failed())
    assert "sse:first-event" in run.by_id()
    assert "DEBUG" in run.stdout
    assert leaks(run, secret_values, credentials["LAB_APP_USER"]) == []


def test_failing_run_writes_no_secret(credentials, secret_values, tmp_path):
    # A wrong password makes the login and SSE checks fail too; it is a secret
    # as much as the right one.
    wrong_password = secrets.token_urlsafe(18)
    env = {**os.environ, "LAB_APP_PASSWORD": wrong_password}
    values = {**secret_values, "the wrong LAB_APP_PASSWORD": wrong_password}

    try:
        suiterun.inject(FAILING_FAULT)
        run = suiterun.run_suite(
            tmp_path,
            burst=False,
            workers=NO_WORKERS,
            extra_args=LOG_ARGS,
            env=env,
        )
    finally:
        suiterun.heal()

    failed = run.failed()
    assert "sse:first-event" in failed
    assert "frontend:access-user" in failed
    assert "DEBUG" in run.stdout
    assert leaks(run, values, credentials["LAB_APP_USER"]) == []
