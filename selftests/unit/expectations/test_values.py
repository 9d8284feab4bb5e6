"""Value-level problems in an expectations file: types, ranges, keys, references."""

import pytest

from .helpers import SHIPPED_TEXT, edit, line_of, load_error

# (id, text in the shipped file, replacement, marker on the reported line, words)
CASES = [
    pytest.param(
        "    port: 443",
        "    port: 0",
        "port: 0",
        "checks.tls.port is out of range (got 0); write a number from 1 to 65535",
        id="port-zero",
    ),
    pytest.param(
        "    port: 443",
        "    port: 65536",
        "port: 65536",
        "is out of range (got 65536)",
        id="port-above-range",
    ),
    pytest.param(
        "    port: 443",
        "    port: true",
        "port: true",
        "checks.tls.port must be a whole number (got True)",
        id="port-bool",
    ),
    pytest.param(
        "    port: 443",
        '    port: "443"',
        'port: "443"',
        "must be a whole number (got '443')",
        id="port-quoted",
    ),
    pytest.param(
        "    samples: 5",
        "    samples: 0",
        "samples: 0",
        "checks.health.samples is out of range (got 0)",
        id="samples-zero",
    ),
    pytest.param(
        "      max_error_rate: 0.05",
        "      max_error_rate: 1.5",
        "max_error_rate: 1.5",
        "write a number from 0 to 1",
        id="error-rate-above-one",
    ),
    pytest.param(
        "      p95_ms: 1500\n      # Hard",
        "      p95_ms: 0\n      # Hard",
        "p95_ms: 0\n",
        "checks.capacity.burst.p95_ms is out of range (got 0); write a number above 0",
        id="p95-zero",
    ),
    pytest.param(
        "      p95_ms: 1500\n      # Hard",
        "      p95_ms: .nan\n      # Hard",
        "p95_ms: .nan",
        "must be a finite number (got nan)",
        id="p95-nan",
    ),
    pytest.param(
        "    daemon: {processes: 3, threads: 15}",
        "    daemon: {processes: -3, threads: 15}",
        "processes: -3",
        "checks.wsgi.daemon.processes is out of range (got -3)",
        id="processes-negative",
    ),
    pytest.param(
        "    consumers: 2\n",
        "    consumers: [2]\n",
        "consumers: [2]",
        "checks.celery.consumers must be a whole number, not a list (got a list)",
        id="consumers-list",
    ),
    pytest.param(
        '  version: "1.0.0"',
        "  version: 1.1",
        "version: 1.1",
        "runbook.version must be text (got 1.1)",
        id="version-float",
    ),
    pytest.param(
        "    port: 443",
        "    prt: 443",
        "prt: 443",
        "unknown key 'prt' under checks.tls (got 'prt'); did you mean 'port'?",
        id="unknown-key-typo",
    ),
    pytest.param(
        "schema_version: 1",
        "schema_version: 1\nowner: ops",
        "owner: ops",
        "unknown key 'owner' at the top level",
        id="unknown-top-level-key",
    ),
    pytest.param(
        "      backend: {address: 127.0.10.10,",
        "      database: {address: 127.0.10.40, name: db.lab.test, user: pg}\n"
        "      backend: {address: 127.0.10.10,",
        "database:",
        "unknown key 'database' under environments.lab.hosts",
        id="unknown-host-role",
    ),
    pytest.param(
        "allowed_networks: [127.0.10.0/24]",
        "allowed_networks: [127.0.10.0/33]",
        "127.0.10.0/33",
        "environments.lab.allowed_networks[0] is not a network in CIDR form",
        id="cidr-prefix-too-long",
    ),
    pytest.param(
        "allowed_networks: [127.0.10.0/24]",
        "allowed_networks: [127.0.10.1/24]",
        "127.0.10.1/24",
        "has host bits set (got '127.0.10.1/24')",
        id="cidr-host-bits",
    ),
    pytest.param(
        "allowed_networks: [127.0.10.0/24]",
        "allowed_networks: [lab-net]",
        "lab-net",
        "is not a network in CIDR form",
        id="cidr-name",
    ),
    pytest.param(
        "allowed_networks: [127.0.10.0/24]",
        "allowed_networks: []",
        "allowed_networks: []",
        "environments.lab.allowed_networks is empty",
        id="networks-empty",
    ),
    pytest.param(
        "allowed_networks: [127.0.10.0/24]",
        "allowed_networks: [127.0.11.0/24]",
        "backend: {address: 127.0.10.10",
        "environments.lab.hosts.backend.address lies outside allowed_networks "
        "(127.0.11.0/24) (got '127.0.10.10')",
        id="address-outside-networks",
    ),
    pytest.param(
        "backend: {address: 127.0.10.10,",
        "backend: {address: 127.0.10.300,",
        "127.0.10.300",
        "is not an IP address (got '127.0.10.300')",
        id="address-invalid",
    ),
    pytest.param(
        "    backend_url: https://127.0.10.10\n",
        "    backend_url: https://127.0.10.10/api\n",
        "backend_url: https://127.0.10.10/api",
        "has a path, query or fragment",
        id="url-with-path",
    ),
    pytest.param(
        "    backend_url: https://127.0.10.10\n",
        "    backend_url: https://admin:pw@127.0.10.10\n",
        "backend_url: https://admin",
        "contains a user name or password",
        id="url-with-password",
    ),
    pytest.param(
        "    frontend_url: http://127.0.10.20\n",
        "    frontend_url: ftp://127.0.10.20\n",
        "frontend_url: ftp",
        "is not an http or https URL",
        id="url-scheme",
    ),
    pytest.param(
        '    remediation: "4.2"\n    config_file: /etc/conf.d/celery',
        '    remediation: "4.9"\n    config_file: /etc/conf.d/celery',
        'remediation: "4.9"',
        "checks.celery.remediation names runbook section '4.9', which "
        "runbook_sections does not list",
        id="unknown-section",
    ),
    pytest.param(
        '    remediation: "4.2"\n    config_file: /etc/conf.d/celery',
        "    remediation: four\n    config_file: /etc/conf.d/celery",
        "remediation: four",
        "is not a runbook section number",
        id="section-not-a-number",
    ),
    pytest.param(
        "      app_password_env: LAB_APP_PASSWORD",
        "      app_password_env: hunter2!",
        "app_password_env: hunter2!",
        "is not an environment variable name such as LAB_KEY (got <hidden>)",
        id="credential-value-hidden",
    ),
    pytest.param(
        "    loaded_mpm: event",
        "    loaded_mpm: prefork",
        "loaded_mpm: prefork",
        "checks.apache.loaded_mpm names an MPM with no block under mpm",
        id="loaded-mpm-without-block",
    ),
    pytest.param(
        "    loaded_mpm: event",
        "    loaded_mpm: evnt",
        "loaded_mpm: evnt",
        "is not a supported value (got 'evnt'); use one of: event, worker, prefork",
        id="loaded-mpm-unknown",
    ),
    pytest.param(
        "      concurrency: 20",
        "      concurrency: 201",
        "concurrency: 201",
        "checks.capacity.burst.concurrency is above its cap of 200 (got 201)",
        id="burst-above-cap",
    ),
    pytest.param(
        "      requests: 400",
        "      requests: 10",
        "concurrency: 20\n",
        "checks.capacity.burst.concurrency is above requests (10)",
        id="burst-concurrency-above-requests",
    ),
    pytest.param(
        "    min_days_to_expiry: 14\n",
        "    min_days_to_expiry:\n",
        "min_days_to_expiry:\n",
        "checks.tls.min_days_to_expiry has no value (got None)",
        id="value-null",
    ),
    pytest.param(
        "/api/v1/health/ping: {status: 200, p95_ms: 250, fields: {}}",
        "/api/v1/health/ping: {status: 200, fields: {}}",
        "/api/v1/health/ping:",
        "probe endpoint /api/v1/health/ping has no latency budget",
        id="probe-without-budget",
    ),
    pytest.param(
        "/api/v1/health/ping: {status: 200,",
        "/api/v1/health/ping: {status: 700,",
        "/api/v1/health/ping:",
        "status is out of range (got 700)",
        id="status-out-of-range",
    ),
    pytest.param(
        "online_workers: {ge: 2}",
        "online_workers: {gte: 2}",
        "online_workers: {gte",
        "has an unknown operator 'gte' (got a mapping)",
        id="matcher-unknown-operator",
    ),
    pytest.param(
        "online_workers: {ge: 2}",
        "online_workers: {ge: two}",
        "online_workers: {ge: two}",
        "compares with ge against a value that is not a number",
        id="matcher-compares-text",
    ),
    pytest.param(
        "    pressure_codes: [AH10159,",
        "    pressure_codes: [AH1015,",
        "pressure_codes: [AH1015,",
        "checks.capacity.pressure_codes[0] is not an Apache message code",
        id="pressure-code-shape",
    ),
    pytest.param(
        "      - /etc/conf.d/celery\n",
        "      - etc/conf.d/celery\n",
        "- etc/conf.d/celery",
        "checks.backups.files[2] is not an absolute path",
        id="backup-relative-path",
    ),
    pytest.param(
        "    ports: {postgresql: 5432, redis: 6379, rabbitmq: 5672}",
        "    ports: {postgresql: 5432, redis: 6379}",
        "ports: {postgresql",
        "checks.dependencies.ports has no entry 'rabbitmq'",
        id="port-entry-missing",
    ),
    pytest.param(
        "schema_version: 1",
        "schema_version: 2",
        "schema_version: 2",
        "schema_version is not a supported value (got 2); use one of: 1",
        id="schema-version",
    ),
]


@pytest.mark.parametrize(("old", "new", "marker", "words"), CASES)
def test_invalid_value_located(tmp_path, old, new, marker, words):
    text = edit(SHIPPED_TEXT, old, new)

    line, rest = load_error(tmp_path, text)

    assert words in rest
    assert line == line_of(text, marker)


def test_missing_key_reported_at_mapping(tmp_path):
    text = edit(SHIPPED_TEXT, "    min_days_to_expiry: 14\n", "")

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "\n  tls:\n") + 1
    assert "checks.tls has no key 'min_days_to_expiry'" in rest
    assert "(got ['port', 'remediation', 'runbook'])" in rest
    assert "add min_days_to_expiry: with a value" in rest


def test_missing_check_group_reported(tmp_path):
    start = SHIPPED_TEXT.index("  sse:\n")
    end = SHIPPED_TEXT.index("  capacity:\n")
    text = SHIPPED_TEXT[:start] + SHIPPED_TEXT[end:]

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "\nchecks:\n") + 1
    assert "checks has no key 'sse'" in rest


def test_missing_environment_section(tmp_path):
    start = SHIPPED_TEXT.index("environments:\n")
    end = SHIPPED_TEXT.index("timeouts:\n")
    text = SHIPPED_TEXT[:start] + SHIPPED_TEXT[end:]

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "schema_version: 1")
    assert "the document has no key 'environments'" in rest


def test_unknown_role_reported_before_its_value(tmp_path):
    text = edit(
        SHIPPED_TEXT,
        "      backend: {address: 127.0.10.10,",
        "      database: {port: 5432}\n      backend: {address: 127.0.10.10,",
    )

    line, rest = load_error(tmp_path, text)

    assert line == line_of(text, "database:")
    assert "unknown key 'database' under environments.lab.hosts" in rest
    assert "allowed keys: backend, frontend" in rest
