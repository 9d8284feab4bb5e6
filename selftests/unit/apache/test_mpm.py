"""The values httpd runs each MPM with: defaults, caps, rounding and old names."""

import pytest

from conformance.apache import effective_mpm, load_apache_config
from conformance.errors import ConfigParseError
from conformance.sources import SnapshotFileSource

from .trees import rhel_tree

HTTPD_CONF = "/etc/httpd/conf/httpd.conf"
EVENT = "LoadModule mpm_event_module modules/mod_mpm_event.so\n"


def settings_for(body, mpm="event", load_line=EVENT):
    files = {HTTPD_CONF: load_line + body}
    config = load_apache_config(
        HTTPD_CONF,
        server_root="/etc/httpd",
        source=SnapshotFileSource(files),
    )
    return effective_mpm(config, mpm)


def block(mpm, *lines):
    inner = "".join(f"    {line}\n" for line in lines)
    return f"<IfModule mpm_{mpm}_module>\n{inner}</IfModule>\n"


def test_defaults_when_nothing_is_set():
    settings = settings_for("")

    effective = {name: value.effective for name, value in settings.values.items()}

    assert effective == {
        "ServerLimit": 16,
        "ThreadLimit": 64,
        "ThreadsPerChild": 25,
        "MaxRequestWorkers": 400,
        "StartServers": 3,
        "MinSpareThreads": 75,
        "MaxSpareThreads": 250,
        "MaxConnectionsPerChild": 0,
    }
    assert all(value.source == "default" for value in settings.values.values())


def test_runbook_values_in_both_blocks():
    config = load_apache_config(
        HTTPD_CONF,
        server_root="/etc/httpd",
        source=SnapshotFileSource(rhel_tree()),
    )

    event = effective_mpm(config, "event")
    worker = effective_mpm(config, "worker")

    assert event.loaded is True
    assert worker.loaded is False
    assert event["MaxRequestWorkers"].effective == 150
    assert event["MaxRequestWorkers"].configured_at == f"{HTTPD_CONF}:63"
    assert worker["MaxRequestWorkers"].effective == 150
    assert worker["MaxRequestWorkers"].configured_at == f"{HTTPD_CONF}:57"
    assert worker["ThreadsPerChild"].configured_at == f"{HTTPD_CONF}:58"


def test_last_value_wins_and_earlier_is_listed():
    settings = settings_for(
        "MaxRequestWorkers 100\n" + block("event", "MaxRequestWorkers 200")
    )

    workers = settings["MaxRequestWorkers"]

    assert workers.effective == 200
    assert workers.configured_at == f"{HTTPD_CONF}:4"
    assert workers.overridden_at == [f"{HTTPD_CONF}:2"]


def test_maxclients_is_maxrequestworkers():
    settings = settings_for(block("event", "MaxClients 250"))

    workers = settings["MaxRequestWorkers"]

    assert workers.configured == 250
    assert workers.effective == 250
    assert workers.configured_at == f"{HTTPD_CONF}:3"


def test_threads_above_threadlimit_are_capped():
    settings = settings_for(
        block("event", "ThreadLimit 32", "ThreadsPerChild 50", "MaxRequestWorkers 100")
    )

    threads = settings["ThreadsPerChild"]
    workers = settings["MaxRequestWorkers"]

    assert threads.effective == 32
    assert threads.adjustments[0].startswith("AH00507: ThreadsPerChild 50 exceeds")
    assert workers.effective == 96
    assert "AH00513" in workers.adjustments[0]


def test_workers_rounded_down_to_multiple():
    settings = settings_for(
        block("worker", "ThreadsPerChild 40", "MaxRequestWorkers 150"), mpm="worker"
    )

    workers = settings["MaxRequestWorkers"]

    assert workers.configured == 150
    assert workers.effective == 120
    assert workers.source == "adjusted by httpd"
    assert workers.adjustments == [
        "AH00316: MaxRequestWorkers 150 is not a multiple of ThreadsPerChild 40; "
        "httpd rounds it down to 120 (3 child processes)"
    ]


def test_workers_capped_by_serverlimit():
    settings = settings_for(block("event", "MaxRequestWorkers 600"))

    workers = settings["MaxRequestWorkers"]

    assert workers.effective == 400
    assert workers.adjustments[0].startswith(
        "AH00515: MaxRequestWorkers 600 needs 24 child processes but ServerLimit is 16"
    )


def test_threadsperchild_alone_keeps_default_workers():
    settings = settings_for(block("event", "ThreadsPerChild 64"))

    workers = settings["MaxRequestWorkers"]

    assert workers.configured is None
    assert workers.effective == 384
    assert "AH00513: MaxRequestWorkers 400" in workers.adjustments[0]


def test_values_below_one_are_raised():
    settings = settings_for(
        block(
            "event",
            "ServerLimit 0",
            "ThreadsPerChild -5",
            "StartServers 0",
            "MinSpareThreads 0",
            "MaxRequestWorkers 0",
        )
    )

    assert settings["ServerLimit"].effective == 1
    assert settings["ThreadsPerChild"].effective == 1
    assert settings["StartServers"].effective == 1
    assert settings["MinSpareThreads"].effective == 1
    assert settings["MaxRequestWorkers"].effective == 1
    assert "AH00511" in settings["MaxRequestWorkers"].adjustments[0]


def test_startservers_and_spare_threads_at_run_time():
    settings = settings_for(
        block(
            "event",
            "ThreadsPerChild 25",
            "MaxRequestWorkers 50",
            "StartServers 5",
            "MinSpareThreads 25",
            "MaxSpareThreads 30",
        )
    )

    assert settings["StartServers"].effective == 2
    assert settings["MaxSpareThreads"].effective == 51


def test_atoi_reading_is_reported():
    settings = settings_for(block("event", "MaxRequestWorkers 150k"))

    assert settings["MaxRequestWorkers"].effective == 150
    assert "read by httpd's atoi() as 150" in settings.problems[0]


def test_inline_comment_is_an_error():
    with pytest.raises(
        ConfigParseError, match=r"httpd.conf:3: MaxRequestWorkers takes one"
    ):
        settings_for(block("event", "MaxRequestWorkers 150 # runbook 1.3"))


def test_mpm_directive_in_virtualhost_is_an_error():
    body = "<VirtualHost *:80>\n    ThreadsPerChild 25\n</VirtualHost>\n"

    with pytest.raises(
        ConfigParseError,
        match=r"httpd.conf:3: ThreadsPerChild is not allowed inside <VirtualHost>",
    ):
        settings_for(body)


def test_worker_view_of_event_config():
    body = block("worker", "ThreadsPerChild 20") + block("event", "ThreadsPerChild 30")

    worker = settings_for(body, mpm="worker")
    event = settings_for(body, mpm="event")

    assert worker["ThreadsPerChild"].effective == 20
    assert event["ThreadsPerChild"].effective == 30


def test_no_loadmodule_treats_mpm_as_compiled_in():
    settings = settings_for(
        block("worker", "ThreadsPerChild 20"), mpm="worker", load_line=""
    )

    assert settings.loaded is False
    assert settings["ThreadsPerChild"].effective == 20


def test_two_mpms_loaded_is_an_error():
    load_line = EVENT + "LoadModule mpm_worker_module modules/mod_mpm_worker.so\n"

    with pytest.raises(ConfigParseError, match=r"httpd.conf:2: a second MPM"):
        settings_for("", load_line=load_line)


def test_prefork_defaults_and_cap():
    load_line = "LoadModule mpm_prefork_module modules/mod_mpm_prefork.so\n"
    settings = settings_for(
        block("prefork", "ServerLimit 100", "StartServers 5"),
        mpm="prefork",
        load_line=load_line,
    )

    assert settings.loaded is True
    assert settings["MaxRequestWorkers"].effective == 100
    assert "AH00180" in settings["MaxRequestWorkers"].adjustments[0]
    assert settings["MinSpareServers"].effective == 5
    assert settings["MaxSpareServers"].effective == 10


def test_thread_directive_under_prefork_is_a_problem():
    settings = settings_for("ThreadsPerChild 25\n", mpm="prefork")

    assert (
        "ThreadsPerChild is not a directive of the prefork MPM" in settings.problems[0]
    )
