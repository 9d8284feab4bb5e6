"""The loaded model: sections, lines, environments, credentials and matchers."""

import hashlib
import ssl

import pytest

from conformance.errors import ExpectationsError
from conformance.expectations import FieldMatcher, load

from .helpers import SHIPPED, SHIPPED_TEXT, line_of, load_text

LAB_VARIABLES = (
    "LAB_SSH_KEY",
    "LAB_KNOWN_HOSTS",
    "LAB_APP_USER",
    "LAB_APP_PASSWORD",
    "LAB_CA_BUNDLE",
)


@pytest.fixture
def clean_env(monkeypatch):
    for name in LAB_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.fixture
def copied(tmp_path, clean_env):
    """The shipped file loaded from a fresh folder, with no lab credentials."""
    return load_text(tmp_path, SHIPPED_TEXT)


def test_shipped_file_hash_and_source():
    expectations = load(SHIPPED)

    assert expectations.sha256 == hashlib.sha256(SHIPPED.read_bytes()).hexdigest()
    assert expectations.source == SHIPPED


def test_section_unpacks_as_tuple():
    expectations = load(SHIPPED)

    number, title, first_step = expectations.section("4.2")

    assert number == "4.2"
    assert title == "Celery workers unhealthy or missing"
    assert first_step == "Restart Celery: sudo systemctl restart celery"


def test_section_describe_names_first_step():
    section = load(SHIPPED).section("4.1")

    text = section.describe()

    assert text.startswith("runbook 4.1 Apache worker pressure")
    assert text.endswith("first step: " + section.first_step)


def test_unknown_section_names_known_ones():
    with pytest.raises(ExpectationsError) as caught:
        load(SHIPPED).section("9.9")

    assert str(caught.value).startswith(
        f"{SHIPPED}:{line_of(SHIPPED_TEXT, 'runbook_sections:')}: "
    )
    assert "use one of: 1.1, 1.2" in str(caught.value)


def test_unknown_environment_names_existing(tmp_path):
    expectations = load(SHIPPED)

    with pytest.raises(ExpectationsError) as caught:
        expectations.environment("prod")

    message = str(caught.value)
    assert message.startswith(f"{SHIPPED}:{line_of(SHIPPED_TEXT, 'environments:')}: ")
    assert "no environment named 'prod'" in message
    assert "choose one of: dev, lab" in message


def test_where_points_at_value_line():
    expectations = load(SHIPPED)
    line = line_of(SHIPPED_TEXT, "event: {MaxRequestWorkers: 150")

    where = expectations.where("checks", "apache", "mpm", "event", "MaxRequestWorkers")

    assert where == f"{SHIPPED}:{line}"
    assert expectations.checks.apache.where("mpm", "event") == f"{SHIPPED}:{line}"


def test_where_of_block_entry_is_key_line():
    expectations = load(SHIPPED)

    where = expectations.checks.where("celery")

    assert where == f"{SHIPPED}:{line_of(SHIPPED_TEXT, chr(10) + '  celery:') + 1}"


def test_endpoint_inherits_group_tags():
    health = load(SHIPPED).checks.health

    ping = health.endpoints["/api/v1/health/ping"]
    celery = health.endpoints["/api/v1/health/celery"]

    assert (ping.runbook, ping.remediation) == ("2.3", "2.3")
    assert (celery.runbook, celery.remediation) == ("2.3", "4.2")
    assert health.endpoints["/api/v1/health"].deep is True
    assert ping.deep is False


def test_every_group_tag_is_a_section():
    expectations = load(SHIPPED)

    groups = expectations.checks.groups()

    assert set(groups) == {
        "apache",
        "wsgi",
        "celery",
        "services",
        "dependencies",
        "tls",
        "frontend",
        "backups",
        "health",
        "routes",
        "sse",
        "capacity",
    }
    for group in groups.values():
        assert group.runbook in expectations.runbook_sections
        assert group.remediation in expectations.runbook_sections


def test_runbook_values_loaded():
    checks = load(SHIPPED).checks

    assert checks.apache.mpm["event"]["MaxRequestWorkers"] == 150
    assert checks.apache.mpm["worker"]["ThreadsPerChild"] == 25
    assert (checks.wsgi.daemon.processes, checks.wsgi.daemon.threads) == (3, 15)
    assert checks.celery.nodes == ("w1", "w2")
    assert dict(checks.celery.options) == {"time-limit": 300, "concurrency": 1}
    assert checks.dependencies.ports["rabbitmq"] == 5672


def test_matcher_equality_keeps_bool_apart():
    matcher = FieldMatcher("eq", 1)

    assert matcher.matches(1)
    assert not matcher.matches(True)
    assert not FieldMatcher("eq", True).matches(1)


def test_matcher_includes_list_and_keys():
    matcher = FieldMatcher("includes", ("postgresql", "redis"))

    assert matcher.matches(["redis", "postgresql", "rabbitmq"])
    assert matcher.matches({"postgresql": "ok", "redis": "ok"})
    assert not matcher.matches(["redis"])
    assert not matcher.matches("postgresql redis")


def test_matcher_ordering_needs_number():
    matcher = FieldMatcher("ge", 2)

    assert matcher.matches(2)
    assert matcher.matches(3.5)
    assert not matcher.matches(1)
    assert not matcher.matches("3")
    assert not matcher.matches(True)
    assert matcher.describe() == ">= 2"


def test_shipped_matchers_parsed():
    fields = load(SHIPPED).checks.health.endpoints["/api/v1/health/celery"].fields

    assert fields["mode"] == FieldMatcher("eq", "summary")
    assert fields["online_workers"] == FieldMatcher("ge", 2)
    assert fields["consumers"] == FieldMatcher("eq", 2)


def test_secret_from_environment_masked(copied, clean_env):
    clean_env.setenv("LAB_APP_PASSWORD", "c0rrect-horse-battery")
    credentials = copied.environment("lab").credentials

    secret = credentials.secret("app_password")

    assert secret.reveal() == "c0rrect-horse-battery"
    assert "c0rrect" not in repr(secret)
    assert "c0rrect" not in str(secret)
    assert "c0rrect" not in f"{secret}"


def test_secret_from_env_file(tmp_path, copied):
    (tmp_path / ".lab").mkdir()
    (tmp_path / ".lab" / "credentials.env").write_text(
        "# written by lab/up\n"
        "LAB_SSH_KEY=/var/lib/lab/id_ed25519\n"
        "export LAB_APP_USER=operator\n"
        "LAB_APP_PASSWORD='s3cret with space'\n"
    )
    credentials = copied.environment("lab").credentials

    assert credentials.secret().reveal() == "s3cret with space"
    assert credentials.lookup("app_user") == "operator"
    assert credentials.require("ssh_key") == "/var/lib/lab/id_ed25519"
    assert credentials.lookup("known_hosts") is None


def test_environment_variable_wins_over_file(tmp_path, copied, clean_env):
    (tmp_path / ".lab").mkdir()
    (tmp_path / ".lab" / "credentials.env").write_text("LAB_APP_USER=from-file\n")
    clean_env.setenv("LAB_APP_USER", "from-env")

    value = copied.environment("lab").credentials.lookup("app_user")

    assert value == "from-env"


def test_missing_secret_names_variable(tmp_path, copied):
    credentials = copied.environment("lab").credentials

    with pytest.raises(ExpectationsError) as caught:
        credentials.secret("app_password")

    line = line_of(SHIPPED_TEXT, "app_password_env: LAB_APP_PASSWORD")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'expectations.yaml'}:{line}: ")
    assert "LAB_APP_PASSWORD is not set" in message
    assert "make lab-up" in message


def test_unknown_credential_purpose(copied):
    with pytest.raises(ValueError, match="unknown credential 'token'"):
        copied.environment("lab").credentials.lookup("token")


def test_ca_bundle_from_env_file(tmp_path, clean_env):
    (tmp_path / ".lab").mkdir()
    (tmp_path / ".lab" / "credentials.env").write_text(
        "LAB_CA_BUNDLE=.lab/ca.pem\n",
    )

    tls = load_text(tmp_path, SHIPPED_TEXT).environment("lab").tls

    assert tls.ca_bundle == tmp_path / ".lab" / "ca.pem"
    assert tls.verify is True
    assert tls.server_name == "backend.lab.test"


def test_ca_bundle_unset_is_none(copied):
    assert copied.environment("lab").tls.ca_bundle is None
    assert copied.environment("dev").tls.ca_bundle is None


def test_unreadable_ca_bundle_raises(tmp_path, clean_env):
    clean_env.setenv("LAB_CA_BUNDLE", str(tmp_path / "missing.pem"))
    tls = load_text(tmp_path, SHIPPED_TEXT).environment("lab").tls

    with pytest.raises(ExpectationsError) as caught:
        tls.ssl_context()

    assert "CA bundle from LAB_CA_BUNDLE cannot be read" in str(caught.value)
    assert str(tmp_path / "missing.pem") in str(caught.value)


def test_dev_context_skips_verification(copied):
    context = copied.environment("dev").tls.ssl_context()

    assert context.verify_mode == ssl.CERT_NONE
    assert context.check_hostname is False
