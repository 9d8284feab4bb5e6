"""`conformance init`: live values read from facts, rendered, and loaded back."""

import datetime as dt
from pathlib import Path

import pytest

from conformance.cli import main
from conformance.commands.init import base_data, render_expectations, write_checked
from conformance.expectations import load
from conformance.hosts.facts import (
    CommandOutput,
    HostFacts,
    Process,
    UnitState,
)
from conformance.hosts.script import RemoteFile
from conformance.live_values import LiveValues, read_live_values

ROOT = Path(__file__).resolve().parents[2]
EXPECTATIONS = ROOT / "expectations.yaml"
READ_AT = dt.datetime(2026, 12, 4, 16, 0, tzinfo=dt.UTC)

# A RHEL 9 layout: httpd.conf includes the module and site folders, the worker
# block drifted to 100 while the event block, whose MPM is loaded, keeps 150.
HTTPD_CONF = """\
ServerRoot "/etc/httpd"
Listen 80
Include conf.modules.d/*.conf
User apache
Group apache
ErrorLog "logs/error_log"

<IfModule mpm_worker_module>
    ThreadsPerChild      25
    MaxRequestWorkers   100
</IfModule>

<IfModule mpm_event_module>
    ServerLimit          16
    ThreadsPerChild      25
    MaxRequestWorkers   150
</IfModule>

IncludeOptional conf.d/*.conf
"""

MPM_CONF = """\
# Select the MPM module which should be used by uncommenting exactly
# one of the following LoadModule lines.
#LoadModule mpm_prefork_module modules/mod_mpm_prefork.so
#LoadModule mpm_worker_module modules/mod_mpm_worker.so
LoadModule mpm_event_module modules/mod_mpm_event.so
"""

WSGI_MODULE_CONF = "LoadModule wsgi_module modules/mod_wsgi_python3.so\n"

WSGI_CONF = """\
# mod_wsgi daemon mode for the MBPanel API
WSGIDaemonProcess mbpanel processes=3 threads=15 display-name=%{GROUP} \\
    user=apache group=apache python-home=/srv/mbpanel/venv
WSGIProcessGroup mbpanel
WSGIScriptAlias / /srv/mbpanel/wsgi.py process-group=mbpanel application-group=%{GLOBAL}
"""

CELERY_ENV = """\
# Name of nodes to start
CELERYD_NODES="w1 w2"
CELERY_BIN="/srv/mbpanel/venv/bin/celery"
CELERY_APP="app.worker:celery_app"
CELERYD_MULTI="multi"
CELERYD_OPTS="--time-limit=300 --concurrency=1"
CELERYD_PID_FILE="/run/celery/%n.pid"
CELERYD_LOG_FILE="/var/log/celery/%n%I.log"
"""

HTTPD_M = """\
Loaded Modules:
 core_module (static)
 so_module (static)
 http_module (static)
 mpm_event_module (shared)
 wsgi_module (shared)
"""

WORKER = "/srv/mbpanel/venv/bin/python3 -m celery -A app.worker:celery_app worker"


def backend_facts() -> HostFacts:
    files = {
        "/etc/httpd/conf/httpd.conf": HTTPD_CONF,
        "/etc/httpd/conf.modules.d/00-mpm.conf": MPM_CONF,
        "/etc/httpd/conf.modules.d/10-wsgi-python3.conf": WSGI_MODULE_CONF,
        "/etc/httpd/conf.d/wsgi.conf": WSGI_CONF,
        "/etc/conf.d/celery": CELERY_ENV,
    }
    return HostFacts(
        address="127.0.10.10",
        user="apache",
        files={path: RemoteFile(path, "ok", text) for path, text in files.items()},
        backups={"/etc/httpd/conf/httpd.conf": ["/etc/httpd/conf/httpd.conf.bak.1"]},
        commands={
            "httpd-modules": CommandOutput("/usr/sbin/httpd -M", HTTPD_M, 0),
        },
        units={
            "httpd": UnitState("httpd", "loaded", "active", "running", 38),
            "celery": UnitState("celery", "loaded", "active", "running", 52),
        },
        processes=[
            Process(60, 1, "celery", f"{WORKER} -n w1@backend --time-limit=300"),
            Process(61, 1, "celery", f"{WORKER} -n w2@backend --time-limit=300"),
        ],
    )


def frontend_facts() -> HostFacts:
    return HostFacts("127.0.10.20", "nodejs", error="ssh: connection refused")


@pytest.fixture(scope="module")
def live() -> LiveValues:
    checks = load(EXPECTATIONS).checks
    return read_live_values(backend_facts(), frontend_facts(), checks, None)


@pytest.fixture
def written(tmp_path, live) -> Path:
    output = tmp_path / "expectations.lab.yaml"
    text = render_expectations(
        base_data(EXPECTATIONS),
        live,
        environment="lab",
        source=EXPECTATIONS,
        output=output,
        read_at=READ_AT,
    )
    write_checked(output, text)
    return output


def line_of(path: Path, fragment: str) -> str:
    __tracebackhide__ = True
    for line in path.read_text().splitlines():
        if fragment in line:
            return line
    pytest.fail(f"no line containing {fragment!r} in {path}")


def test_live_mpm_values_read(live):
    worker = live.values[("checks", "apache", "mpm", "worker", "MaxRequestWorkers")]
    event = live.values[("checks", "apache", "mpm", "event", "MaxRequestWorkers")]

    assert (worker, event) == (100, 150)
    assert live.values[("checks", "apache", "loaded_mpm")] == "event"


def test_live_wsgi_and_celery_read(live):
    assert live.values[("checks", "wsgi", "daemon", "processes")] == 3
    assert live.values[("checks", "wsgi", "daemon", "threads")] == 15
    assert live.values[("checks", "celery", "nodes")] == ["w1", "w2"]
    assert live.values[("checks", "celery", "options", "time-limit")] == 300


def test_unreachable_frontend_kept(live):
    assert ("checks", "frontend", "pm2_app") not in live.values
    assert any("connection refused" in line for line in live.unread)


def test_written_file_loads_with_values(written):
    checks = load(written).checks

    assert checks.apache.mpm["worker"]["MaxRequestWorkers"] == 100
    assert checks.apache.mpm["event"]["MaxRequestWorkers"] == 150
    assert checks.wsgi.daemon.processes == 3
    assert list(checks.celery.nodes) == ["w1", "w2"]


def test_written_values_name_source(written):
    worker = line_of(written, "MaxRequestWorkers: 100")
    processes = line_of(written, "processes: 3")

    assert worker.endswith("# configured 100 at /etc/httpd/conf/httpd.conf:10")
    assert "/etc/httpd/conf.d/wsgi.conf:2" in processes
    assert "NOT READ" in line_of(written, "pm2_app:")


def test_written_file_has_one_environment(written):
    expectations = load(written)

    assert list(expectations.environments) == ["lab"]
    lab = expectations.environment("lab")
    assert lab.hosts["backend"].address == "127.0.10.10"


def test_env_file_still_found(written):
    lab = load(written).environment("lab")

    assert lab.credentials.env_file == ROOT / ".lab" / "credentials.env"


def test_refuses_to_overwrite(tmp_path, capsys):
    output = tmp_path / "expectations.lab.yaml"
    output.write_text("kept\n")

    status = main(["init", "--env", "lab", "--output", str(output)])

    assert status == 2
    assert "give --force to overwrite it" in capsys.readouterr().err
    assert output.read_text() == "kept\n"


def test_unknown_environment_rejected(tmp_path, capsys):
    output = tmp_path / "out.yaml"

    status = main(
        [
            "init",
            "--env",
            "staging",
            "--expectations",
            str(EXPECTATIONS),
            "--output",
            str(output),
        ]
    )

    assert status == 2
    assert "no environment named 'staging'" in capsys.readouterr().err
    assert not output.exists()
