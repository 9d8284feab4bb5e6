"""Secrets: masked repr, env files, the process registry and redaction."""

import pickle

import pytest

from conformance import secrets
from conformance.errors import ExpectationsError
from conformance.secrets import (
    MASK,
    Secret,
    lookup,
    read_env_file,
    redact,
    register_secret,
    registered_secrets,
    resolve_secret,
)

ENV_FILE = """\
# Written by lab/up; mode 0600.
LAB_SSH_KEY=/work/main/.lab/secrets/id_ed25519
LAB_KNOWN_HOSTS=/work/main/.lab/secrets/known_hosts
export LAB_APP_USER=operator

LAB_APP_PASSWORD="Zq9-tR4#lab pass"
LAB_EMPTY=
"""


@pytest.fixture
def env_file(tmp_path, monkeypatch):
    for name in ("LAB_SSH_KEY", "LAB_APP_USER", "LAB_APP_PASSWORD", "LAB_EMPTY"):
        monkeypatch.delenv(name, raising=False)
    path = tmp_path / "credentials.env"
    path.write_text(ENV_FILE)
    return path


def test_secret_repr_and_str_masked():
    secret = Secret("LAB_APP_PASSWORD", "pw-a81f3c")

    assert repr(secret) == "Secret('LAB_APP_PASSWORD', '***')"
    assert str(secret) == MASK
    assert f"{secret}" == MASK
    assert secret.reveal() == "pw-a81f3c"


def test_secret_cannot_be_pickled():
    secret = Secret("LAB_APP_PASSWORD", "pw-77e1")

    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(secret)


def test_env_file_parsed(env_file):
    values = read_env_file(env_file)

    assert values["LAB_SSH_KEY"] == "/work/main/.lab/secrets/id_ed25519"
    assert values["LAB_APP_USER"] == "operator"
    assert values["LAB_APP_PASSWORD"] == "Zq9-tR4#lab pass"
    assert values["LAB_EMPTY"] == ""


def test_malformed_env_line_hides_value(tmp_path):
    path = tmp_path / "credentials.env"
    path.write_text("LAB_APP_USER=operator\nthis is hunter2-secret\n")

    with pytest.raises(ExpectationsError) as caught:
        read_env_file(path)

    assert str(caught.value).startswith(f"{path}:2: line is not KEY=value")
    assert "hunter2" not in str(caught.value)


def test_lookup_prefers_environment(env_file, monkeypatch):
    monkeypatch.setenv("LAB_APP_USER", "from-env")

    assert lookup("LAB_APP_USER", env_file) == "from-env"
    assert lookup("LAB_KNOWN_HOSTS", env_file).endswith("known_hosts")


def test_lookup_missing_returns_none(env_file, tmp_path):
    assert lookup("LAB_EMPTY", env_file) is None
    assert lookup("LAB_NOT_THERE", env_file) is None
    assert lookup("LAB_APP_USER", tmp_path / "absent.env") is None
    assert lookup("LAB_APP_USER", None) is None


def test_resolved_secret_registered(env_file):
    secret = resolve_secret("LAB_APP_PASSWORD", env_file)

    assert secret is not None
    assert "Zq9-tR4#lab pass" in registered_secrets()
    assert redact("login with Zq9-tR4#lab pass failed") == "login with *** failed"


def test_lookup_does_not_register(env_file):
    lookup("LAB_APP_USER", env_file)

    assert "operator" not in registered_secrets()


def test_escaped_forms_redacted():
    register_secret('p@ss "word"/1')

    assert (
        redact('{"password_hint": "p@ss \\"word\\"/1"}') == '{"password_hint": "***"}'
    )
    assert redact("pw=p%40ss%20%22word%22%2F1") == "pw=***"


def test_blank_value_not_registered():
    before = registered_secrets()

    register_secret("   ")

    assert registered_secrets() == before


def test_redact_session_cookie():
    text = "Set-Cookie: session=eyJ1c2VyIjoiYWRtaW4ifQ.Zx1; Path=/; HttpOnly"

    assert redact(text) == "Set-Cookie: session=***; Path=/; HttpOnly"


def test_redact_authorization_header():
    assert redact("Authorization: Bearer abc.def.ghi") == "Authorization: ***"
    assert (
        redact('{"authorization": "Basic YWRtaW46cHc="}') == '{"authorization": "***"}'
    )


def test_redact_password_fields():
    assert redact('{"username": "op", "password": "a b\\"c"}') == (
        '{"username": "op", "password": "***"}'
    )
    assert redact("username=op&password=hunter2&next=/") == (
        "username=op&password=***&next=/"
    )


def test_redact_private_key_block():
    text = (
        "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n"
        "-----END OPENSSH PRIVATE KEY-----\nafter"
    )

    assert redact(text) == "key:\n***\nafter"


def test_redact_leaves_plain_text():
    text = "expected 150, observed 120 (conf.d/mpm.conf:12)"

    assert redact(text) == text


def test_registry_shared_across_module(monkeypatch):
    register_secret("tok-5d1e9a")

    assert "tok-5d1e9a" in secrets.registered_secrets()
