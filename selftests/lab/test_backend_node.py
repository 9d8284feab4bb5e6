"""The backend node looks the way the runbook's commands expect, as user apache."""

import re

import paramiko
import pytest

pytestmark = pytest.mark.lab

RUNBOOK_FILES = (
    "/etc/httpd/conf/httpd.conf",
    "/etc/httpd/conf.d/wsgi.conf",
    "/etc/conf.d/celery",
)


@pytest.fixture(scope="module")
def backend(credentials):
    client = paramiko.SSHClient()
    client.load_host_keys(credentials["LAB_KNOWN_HOSTS"])
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        "127.0.10.10",
        username="apache",
        key_filename=credentials["LAB_SSH_KEY"],
        look_for_keys=False,
        allow_agent=False,
        timeout=5,
    )
    with client:
        yield client


def run(client: paramiko.SSHClient, command: str) -> tuple[int, str]:
    """Run COMMAND; return its exit status and stdout and stderr together."""
    _, stdout, stderr = client.exec_command(command, timeout=20)
    output = stdout.read().decode() + stderr.read().decode()
    return stdout.channel.recv_exit_status(), output.strip()


@pytest.mark.parametrize("command", ["httpd -t", "sudo -n /usr/sbin/httpd -t"])
def test_httpd_syntax_check_passes(backend, command):
    status, output = run(backend, command)

    assert status == 0
    assert output == "Syntax OK"


def test_httpd_loads_event_mpm_and_wsgi(backend):
    status, output = run(backend, "httpd -M")
    modules = set(re.findall(r"^ (\w+) \(", output, flags=re.MULTILINE))

    assert status == 0
    assert {"mpm_event_module", "wsgi_module", "ssl_module"} <= modules
    assert "mpm_worker_module" not in modules


@pytest.mark.parametrize(
    "command",
    [
        "sudo -n systemctl status httpd --no-pager -l",
        "sudo -n systemctl status celery --no-pager -l",
        "sudo -n journalctl -u celery --no-pager -n 5",
        *(f"sudo -n cat {path}" for path in RUNBOOK_FILES),
    ],
)
def test_sudo_allows_runbook_diagnostics(backend, command):
    status, output = run(backend, command)

    assert status == 0, output


@pytest.mark.parametrize(
    "command",
    [
        "sudo -n systemctl restart httpd",
        "sudo -n systemctl stop celery",
        "sudo -n cat /etc/shadow",
        "sudo -n cat /etc/mbpanel/app.conf",
        "sudo -n /usr/sbin/httpd -k stop",
    ],
)
def test_sudo_rejects_other_commands(backend, command):
    status, output = run(backend, command)

    assert status != 0
    assert "password is required" in output


def test_celery_env_file_has_runbook_values(backend):
    _, text = run(backend, "cat /etc/conf.d/celery")

    assert 'CELERYD_NODES="w1 w2"' in text.splitlines()
    assert 'CELERYD_OPTS="--time-limit=300 --concurrency=1"' in text.splitlines()


def test_wsgi_daemon_process_line(backend):
    _, line = run(backend, "grep -h WSGIDaemonProcess /etc/httpd/conf.d/wsgi.conf")

    assert " processes=3 " in f"{line} "
    assert " threads=15 " in f"{line} "
    assert "display-name=" in line


def test_three_wsgi_daemons_run(backend):
    _, count = run(backend, r"pgrep -c -f '^\(wsgi:mbpanel\)'")

    assert count == "3"


def test_celery_runs_nodes_w1_and_w2(backend):
    _, output = run(backend, "pgrep -af 'celery.*worker'")
    nodes = set(re.findall(r" -n (w\d)@backend", output))

    assert nodes == {"w1", "w2"}


@pytest.mark.parametrize("path", RUNBOOK_FILES)
def test_timestamped_backup_matches_live_file(backend, path):
    _, listing = run(backend, f"ls {path}.bak.*")
    backups = listing.split()
    status, _ = run(backend, f"cmp {backups[-1]} {path}")

    assert re.fullmatch(rf"{re.escape(path)}\.bak\.\d{{8}}-\d{{6}}", backups[-1])
    assert status == 0


def test_error_log_is_readable_by_apache(backend):
    status, _ = run(backend, "head -c 1 /var/log/httpd/error_log")
    _, target = run(backend, "readlink /etc/httpd/logs")

    assert status == 0
    assert target == "/var/log/httpd"
