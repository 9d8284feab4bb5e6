"""Capacity arithmetic over configs read by the Apache, mod_wsgi and Celery parsers."""

import pytest

from conformance.apache import effective_mpm, load_apache_config
from conformance.capacity import (
    CapacityReport,
    apache_slots,
    capacity_from_config,
    celery_capacity,
    wsgi_slots,
)
from conformance.celery import load_celery_config
from conformance.errors import ConfigParseError
from conformance.sources import SnapshotFileSource
from conformance.wsgi import read_wsgi

HTTPD_CONF = "/etc/httpd/conf/httpd.conf"
WSGI_CONF = "/etc/httpd/conf.d/wsgi.conf"
CELERY_ENV = "/etc/conf.d/celery"

# The runbook's backend: event MPM with 150 workers in both threaded blocks,
# mod_wsgi with 3 processes of 15 threads, Celery nodes w1 and w2 at concurrency 1.
RUNBOOK_HTTPD = """\
ServerRoot "/etc/httpd"
Listen 80
LoadModule mpm_event_module modules/mod_mpm_event.so
LoadModule wsgi_module modules/mod_wsgi_python3.so
User apache
Group apache

<IfModule mpm_worker_module>
    StartServers             2
    MinSpareThreads         25
    MaxSpareThreads         75
    ThreadsPerChild         25
    MaxRequestWorkers      150
</IfModule>

<IfModule mpm_event_module>
    StartServers             2
    MinSpareThreads         25
    MaxSpareThreads         75
    ThreadsPerChild         25
    MaxRequestWorkers      150
</IfModule>

IncludeOptional conf.d/*.conf
"""

RUNBOOK_WSGI = """\
WSGISocketPrefix /run/httpd/wsgi
WSGIDaemonProcess mbpanel python-home=/opt/mbpanel/venv \\
    processes=3 threads=15 display-name=%{GROUP}
WSGIProcessGroup mbpanel
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias / /opt/mbpanel/app/wsgi.py
"""

RUNBOOK_CELERY = """\
# Name of nodes to start
CELERYD_NODES="w1 w2"
CELERY_BIN="/opt/mbpanel/venv/bin/celery"
CELERY_APP="app.worker"
CELERYD_MULTI="multi"
CELERYD_OPTS="--time-limit=300 --concurrency=1"
CELERYD_PID_FILE="/var/run/celery/%n.pid"
CELERYD_LOG_FILE="/var/log/celery/%n%I.log"
CELERYD_LOG_LEVEL="INFO"
"""


def report_of(httpd=RUNBOOK_HTTPD, wsgi=RUNBOOK_WSGI, celery=RUNBOOK_CELERY, **kw):
    files = {HTTPD_CONF: httpd, WSGI_CONF: wsgi, CELERY_ENV: celery}
    source = SnapshotFileSource(files)
    config = load_apache_config(HTTPD_CONF, server_root="/etc/httpd", source=source)
    return capacity_from_config(
        effective_mpm(config, "event"),
        read_wsgi(config).serving_groups(),
        load_celery_config(CELERY_ENV, source=source).nodes,
        **kw,
    )


def test_runbook_capacity_is_bounded_by_mod_wsgi():
    report = report_of()

    assert report.apache.slots == 150
    assert report.apache.where == f"{HTTPD_CONF}:21"
    assert report.wsgi.slots == 45
    assert report.wsgi.formula == "processes=3 x threads=15"
    assert report.wsgi.where == f"{WSGI_CONF}:2"
    assert report.celery.per_node == {"w1": 1, "w2": 1}
    assert report.celery.total == 2
    assert report.request_bound is report.wsgi


def test_runbook_capacity_explanation():
    explanation = report_of().explanation()

    assert explanation == (
        "Apache (event MPM) serves 150 requests at once: MaxRequestWorkers 150 "
        "(threads). mod_wsgi daemon group 'mbpanel' serves 45 requests at once: "
        "processes=3 x threads=15. Concurrent application requests are bounded by "
        "mod_wsgi daemon group 'mbpanel' at 45. Requests beyond 45 wait in the "
        "mod_wsgi listen queue, each occupying an Apache worker. Celery runs 2 jobs "
        "at once (w1 1, w2 1); that bounds background jobs, not HTTP requests."
    )


def test_apache_rounding_lowers_the_bound():
    # httpd rounds MaxRequestWorkers down to a multiple of ThreadsPerChild:
    # 40 threads per child make 150 into 120.
    httpd = RUNBOOK_HTTPD.replace("ThreadsPerChild         25", "ThreadsPerChild 40")

    report = report_of(
        httpd=httpd, wsgi=RUNBOOK_WSGI.replace("processes=3", "processes=9")
    )

    assert report.apache.slots == 120
    assert report.wsgi.slots == 135
    assert report.request_bound is report.apache


def test_burst_outlook_within_and_beyond_bound():
    report = report_of()

    assert report.burst_outlook(20) == (
        "A burst of 20 concurrent requests fits within the 45 slots of mod_wsgi "
        "daemon group 'mbpanel'."
    )
    assert report.burst_outlook(60).startswith(
        "A burst of 60 concurrent requests exceeds the 45 slots of mod_wsgi daemon "
        "group 'mbpanel' by 15, so the excess queues and latency grows."
    )
    assert "AH10159" not in report.burst_outlook(60)
    assert "Apache's 150 workers" in report.burst_outlook(200)


def test_celery_without_concurrency_uses_cpu_count():
    celery = RUNBOOK_CELERY.replace(" --concurrency=1", "")

    report = report_of(celery=celery, cpu_count=4)

    assert report.celery.per_node == {"w1": 4, "w2": 4}
    assert report.celery.sources["w1"] == "default: 4 CPUs"


def test_celery_without_concurrency_needs_cpu_count():
    celery = RUNBOOK_CELERY.replace(" --concurrency=1", "")

    with pytest.raises(ConfigParseError, match="CPU count of its host is unknown"):
        report_of(celery=celery)


def test_celery_per_node_concurrency():
    celery = RUNBOOK_CELERY.replace("--concurrency=1", "--concurrency=1 -c:w2 4")

    report = report_of(celery=celery)

    assert report.celery.per_node == {"w1": 1, "w2": 4}
    assert report.celery.total == 5


def test_no_serving_wsgi_group_is_an_error():
    wsgi = RUNBOOK_WSGI.replace("WSGIScriptAlias / /opt/mbpanel/app/wsgi.py\n", "")

    with pytest.raises(ConfigParseError, match="no WSGIDaemonProcess group serves"):
        report_of(wsgi=wsgi)


def test_prefork_slots_are_processes():
    slots = apache_slots("prefork", 256, where="conf.modules.d/00-mpm.conf:12")

    assert slots.formula == "MaxRequestWorkers 256 (processes, one request each)"
    assert slots.layer == "Apache (prefork MPM)"


def test_tie_is_bounded_by_mod_wsgi():
    report = CapacityReport(
        apache=apache_slots("event", 45, where=None),
        wsgi=wsgi_slots("app", 3, 15, where=None),
        celery=celery_capacity({"w1": 1}, cpu_count=None),
    )

    assert report.request_bound.layer == "mod_wsgi daemon group 'app'"
    assert report.to_dict()["request_slots"] == 45
