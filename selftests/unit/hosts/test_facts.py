"""Parsing the fact script's output, with text captured from real hosts."""

import base64
import subprocess

from conformance.checks.host import (
    celery_running,
    daemon_processes,
    unit_active,
    worker_nodes,
)
from conformance.hosts import script
from conformance.hosts.facts import (
    build_facts,
    parse_loaded_modules,
    parse_processes,
    parse_systemctl_show,
)

# `systemctl show httpd.service celery.service nosuch.service -p ...` on systemd 252.
SYSTEMCTL_SHOW = """\
Id=httpd.service
LoadState=loaded
ActiveState=active
SubState=running
MainPID=38

Id=celery.service
LoadState=loaded
ActiveState=inactive
SubState=dead
MainPID=0

Id=nosuch.service
LoadState=not-found
ActiveState=inactive
SubState=dead
MainPID=0
"""

# `ps -eo pid=,ppid=,user=,args=` on the lab's backend node: mod_wsgi daemons keep
# httpd's arguments after their display-name, and prefork children repeat the
# worker's command line.
PS = """\
    1     0 root     /usr/lib/systemd/systemd
   38     1 root     /usr/sbin/apache2 -d /etc/httpd -f conf/httpd.conf -k start
   39    38 apache   (wsgi:mbpanel)    -d /etc/httpd -f conf/httpd.conf -k start
   40    38 apache   (wsgi:mbpanel)    -d /etc/httpd -f conf/httpd.conf -k start
   41    38 apache   (wsgi:mbpanel)    -d /etc/httpd -f conf/httpd.conf -k start
   42    38 apache   /usr/sbin/apache2 -d /etc/httpd -f conf/httpd.conf -k start
  531     1 celery   /v/bin/python3 -m celery -A app worker -c 1 -n w1@backend
  534     1 celery   /v/bin/python3 -m celery -A app worker -c 1 -n w2@backend
  542   531 celery   /v/bin/python3 -m celery -A app worker -c 1 -n w1@backend
  600     1 root     grep celery worker -n w3@backend
  610     1 celery   [celeryd: w4@backend:MainProcess] -active- (worker -n w4@backend)
  611   610 celery   [celeryd: w4@backend:ForkPoolWorker-1]
"""

# `httpd -M` on RHEL 9 (trimmed).
HTTPD_M = """\
Loaded Modules:
 core_module (static)
 so_module (static)
 http_module (static)
 mpm_event_module (shared)
 wsgi_module (shared)
"""


def test_systemctl_missing_unit_differs_from_stopped():
    units = parse_systemctl_show(SYSTEMCTL_SHOW)

    assert units["httpd"].exists
    assert units["celery"].exists
    assert units["celery"].active_state == "inactive"
    assert not units["nosuch"].exists
    assert "unit not found" in units["nosuch"].describe()


def test_unit_active_reports_state():
    facts = build_facts("127.0.10.10", "apache", "")
    facts.units = parse_systemctl_show(SYSTEMCTL_SHOW)

    assert unit_active(facts, "httpd").ok
    stopped = unit_active(facts, "celery")
    assert not stopped.ok
    assert stopped.observed == "celery: inactive (dead)"


def test_wsgi_daemons_matched_by_display_name():
    facts = build_facts("127.0.10.10", "apache", "")
    facts.processes = parse_processes(PS)

    assert [p.pid for p in daemon_processes(facts, "(wsgi:mbpanel)")] == [39, 40, 41]
    assert daemon_processes(facts, "(wsgi:mbpanel") == []


def test_celery_nodes_count_main_processes_once():
    processes = parse_processes(PS)

    nodes = worker_nodes(processes)

    assert sorted(nodes) == ["w1", "w2", "w4"]
    assert [p.pid for p in nodes["w1"]] == [531]


def test_celery_running_names_missing_node():
    facts = build_facts("127.0.10.10", "apache", "")
    facts.processes = [p for p in parse_processes(PS) if p.pid in (531, 542)]

    observation = celery_running(facts, ["w1", "w2"])

    assert not observation.ok
    assert observation.observed == ["w1"]


def test_loaded_modules_keep_kind():
    modules = dict(parse_loaded_modules(HTTPD_M))

    assert modules["mpm_event_module"] == "shared"
    assert modules["core_module"] == "static"
    assert "Loaded" not in " ".join(modules)


def test_script_output_round_trip(tmp_path):
    config = tmp_path / "conf.d"
    config.mkdir()
    (config / "wsgi.conf").write_text("WSGIDaemonProcess app processes=3\n")
    (tmp_path / "celery").write_text('CELERYD_NODES="w1 w2"\n')
    (tmp_path / "celery.bak.20260101").write_text('CELERYD_NODES="w1"\n')
    text = script.backend_script(
        config_dirs=[str(config)],
        extra_files=[str(tmp_path / "celery"), str(tmp_path / "absent")],
        backup_of=[str(tmp_path / "celery")],
        units=[],
        tcp_targets=[],
        tcp_timeout_s=1,
    )

    output = subprocess.run(
        ["sh", "-c", text], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    facts = build_facts("127.0.0.1", "tester", output)

    assert facts.files[str(config / "wsgi.conf")].text.startswith("WSGIDaemonProcess")
    assert facts.files[str(tmp_path / "absent")].state == "missing"
    assert facts.backups[str(tmp_path / "celery")] == [
        str(tmp_path / "celery.bak.20260101")
    ]
    assert facts.files[str(tmp_path / "celery.bak.20260101")].text == (
        'CELERYD_NODES="w1"\n'
    )


def test_section_text_cannot_end_early():
    payload = base64.b64encode(b"@@MBP file /etc/passwd@@\n").decode()
    output = f"\n@@MBP file /etc/x@@\nok\n{payload}\n\n@@MBP clock@@\n5\n"

    facts = build_facts("127.0.0.1", "tester", output)

    assert facts.files["/etc/x"].text == "@@MBP file /etc/passwd@@\n"
    assert facts.clock == 5


def test_script_follows_symlinked_config(tmp_path):
    elsewhere = tmp_path / "elsewhere.conf"
    elsewhere.write_text("WSGIDaemonProcess app processes=3\n")
    config = tmp_path / "conf d"
    config.mkdir()
    (config / "wsgi.conf").symlink_to(elsewhere)
    text = script.backend_script(
        config_dirs=[str(tmp_path / "conf d")],
        extra_files=[],
        backup_of=[],
        units=[],
        tcp_targets=[],
        tcp_timeout_s=1,
    )

    output = subprocess.run(
        ["sh", "-c", text], capture_output=True, text=True, timeout=30, check=False
    ).stdout
    facts = build_facts("127.0.0.1", "tester", output)

    assert facts.files[str(config / "wsgi.conf")].text.startswith("WSGIDaemonProcess")
