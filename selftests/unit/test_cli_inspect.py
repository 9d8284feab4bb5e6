"""`conformance inspect`: JSON on stdout, or one file:line message and exit status 2."""

import json

import pytest

from conformance.cli import main

HTTPD_CONF = """\
ServerRoot "{root}"
Include conf.modules.d/*.conf
<IfModule mpm_worker_module>
    MaxRequestWorkers 150
    ThreadsPerChild 25
</IfModule>
<IfModule mpm_event_module>
    MaxRequestWorkers 150
    ThreadsPerChild 40
</IfModule>
IncludeOptional conf.d/*.conf
"""


@pytest.fixture
def httpd_root(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf.modules.d").mkdir()
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf" / "httpd.conf").write_text(HTTPD_CONF.format(root=tmp_path))
    (tmp_path / "conf.modules.d" / "00-mpm.conf").write_text(
        "LoadModule mpm_event_module modules/mod_mpm_event.so\n"
    )
    (tmp_path / "conf.d" / "wsgi.conf").write_text(
        "WSGIDaemonProcess app processes=3 threads=15\n"
        "WSGIProcessGroup app\n"
        "WSGIScriptAlias / /srv/app/wsgi.py\n"
    )
    return tmp_path


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_inspect_apache_prints_both_blocks(capsys, httpd_root):
    conf = httpd_root / "conf" / "httpd.conf"

    status, out, err = run(capsys, "inspect", "apache", str(conf))
    report = json.loads(out)
    event = {d["name"]: d for d in report["mpm"]["event"]["directives"]}
    worker = {d["name"]: d for d in report["mpm"]["worker"]["directives"]}

    assert status == 0
    assert err == ""
    assert report["loaded_mpm"] == "event"
    assert event["MaxRequestWorkers"]["effective"] == 120
    assert event["MaxRequestWorkers"]["configured"] == 150
    assert event["MaxRequestWorkers"]["configured_at"] == f"{conf}:8"
    assert event["MaxRequestWorkers"]["adjustments"][0].startswith("AH00513")
    assert worker["MaxRequestWorkers"]["effective"] == 150


def test_inspect_apache_one_mpm(capsys, httpd_root):
    conf = httpd_root / "conf" / "httpd.conf"

    _, out, _ = run(capsys, "inspect", "apache", str(conf), "--mpm", "worker")

    assert list(json.loads(out)["mpm"]) == ["worker"]


def test_inspect_wsgi(capsys, httpd_root):
    wsgi_conf = httpd_root / "conf.d" / "wsgi.conf"

    status, out, _ = run(capsys, "inspect", "wsgi", str(wsgi_conf))
    report = json.loads(out)
    [group] = report["daemon_groups"]

    assert status == 0
    assert group["effective"]["processes"] == 3
    assert group["options"]["processes"]["at"] == f"{wsgi_conf}:1"
    assert report["script_aliases"][0]["process_group"] == "app"


def test_inspect_celery(capsys, tmp_path):
    env_file = tmp_path / "celery"
    env_file.write_text(
        'CELERYD_NODES="w1 w2"\nCELERYD_OPTS="--time-limit=300 --concurrency=1"\n'
    )

    status, out, _ = run(capsys, "inspect", "celery", str(env_file))
    report = json.loads(out)

    assert status == 0
    assert [node["name"] for node in report["nodes"]] == ["w1", "w2"]
    assert report["nodes"][0]["effective"]["concurrency"]["value"] == "1"
    assert report["variables"]["CELERYD_OPTS"]["at"] == f"{env_file}:2"


def test_unclosed_ifmodule_exits_2(capsys, tmp_path):
    conf = tmp_path / "httpd.conf"
    conf.write_text("Listen 80\n<IfModule mpm_event_module>\n  ThreadsPerChild 25\n")

    status, out, err = run(capsys, "inspect", "apache", str(conf))

    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"{conf}:2: <IfModule mpm_event_module> is not closed")
    assert "; add </IfModule>" in err


@pytest.mark.parametrize("kind", ["apache", "wsgi", "celery"])
def test_missing_file_exits_2(capsys, tmp_path, kind):
    missing = tmp_path / "nope.conf"

    status, _, err = run(capsys, "inspect", kind, str(missing))

    assert status == 2
    assert err == f"{missing}: file not found; " + err.split("; ", 1)[1]
    assert "Traceback" not in err


def test_unreadable_file_exits_2(capsys, tmp_path):
    directory = tmp_path / "conf.d"
    directory.mkdir()

    status, _, err = run(capsys, "inspect", "celery", str(directory))

    assert status == 2
    assert err.startswith(f"{directory}: is a directory")


def test_binary_file_exits_2(capsys, tmp_path):
    blob = tmp_path / "httpd.conf"
    blob.write_bytes(b"\xff\xfe\x00binary")

    status, _, err = run(capsys, "inspect", "apache", str(blob))

    assert status == 2
    assert "is not UTF-8 text" in err
