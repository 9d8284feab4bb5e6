"""WSGIDaemonProcess options and the process group that serves each alias."""

import pytest

from conformance.apache import load_apache_config
from conformance.errors import ConfigParseError
from conformance.sources import SnapshotFileSource
from conformance.wsgi import read_wsgi

WSGI_CONF = "/etc/httpd/conf.d/wsgi.conf"

RUNBOOK_WSGI = """\
# mod_wsgi daemon mode for the MBPanel API
WSGISocketPrefix /run/httpd/wsgi
WSGIDaemonProcess mbpanel python-home=/opt/mbpanel/venv \\
\tdisplay-name=%{GROUP} threads=15 processes=3 \\
\thome="/opt/mbpanel/app dir"
WSGIProcessGroup mbpanel
WSGIApplicationGroup %{GLOBAL}
WSGIScriptAlias / /opt/mbpanel/app/wsgi.py
"""


def wsgi_of(text):
    config = load_apache_config(
        WSGI_CONF,
        server_root="/etc/httpd",
        source=SnapshotFileSource({WSGI_CONF: text}),
        static_modules=("core_module", "so_module", "http_module", "wsgi_module"),
    )
    return read_wsgi(config)


def test_runbook_group_is_parsed_order_free():
    wsgi = wsgi_of(RUNBOOK_WSGI)

    group = wsgi.groups["mbpanel"]

    assert group.processes == 3
    assert group.threads == 15
    assert group.multiprocess is True
    assert group.display_name == "(wsgi:mbpanel)"
    assert group.options["home"].value == "/opt/mbpanel/app dir"
    assert group.at == f"{WSGI_CONF}:3"


def test_runbook_alias_runs_in_daemon_group():
    wsgi = wsgi_of(RUNBOOK_WSGI)

    [alias] = wsgi.aliases

    assert alias.group == "mbpanel"
    assert alias.group_set_at == f"{WSGI_CONF}:6"
    assert alias.to_dict()["mode"] == "daemon"
    assert [g.name for g in wsgi.serving_groups()] == ["mbpanel"]
    assert wsgi.problems == []


def test_defaults_when_omitted():
    group = wsgi_of("WSGIDaemonProcess solo\n").groups["solo"]

    assert group.processes == 1
    assert group.threads == 15
    assert group.multiprocess is False
    assert group.to_dict()["effective"]["threads_source"] == "mod_wsgi default"


def test_processes_one_still_marks_multiprocess():
    group = wsgi_of("WSGIDaemonProcess app processes=1\n").groups["app"]

    assert group.processes == 1
    assert group.multiprocess is True


def test_repeated_option_last_wins():
    group = wsgi_of("WSGIDaemonProcess app processes=2 processes='4'\n").groups["app"]

    assert group.processes == 4
    assert group.repeated == ["processes"]


@pytest.mark.parametrize(
    ("line", "wording"),
    [
        pytest.param(
            "WSGIDaemonProcess app proceses=3",
            "does not accept option 'proceses'",
            id="misspelled",
        ),
        pytest.param(
            "WSGIDaemonProcess app processes = 3",
            "'processes' is not of the form name=value",
            id="blanks-around-equals",
        ),
        pytest.param(
            "WSGIDaemonProcess app processes=0",
            "processes='0' is not a process count",
            id="zero-processes",
        ),
        pytest.param(
            "WSGIDaemonProcess app processes=",
            "processes='' is not a process count",
            id="empty-processes",
        ),
        pytest.param("WSGIDaemonProcess", "has no group name", id="no-name"),
    ],
)
def test_bad_options_rejected_like_mod_wsgi(line, wording):
    with pytest.raises(ConfigParseError) as raised:
        wsgi_of(f"# daemon\n{line}\n")

    assert str(raised.value).startswith(f"{WSGI_CONF}:2: ")
    assert wording in str(raised.value)


def test_duplicate_group_name_rejected():
    text = "WSGIDaemonProcess app\nWSGIDaemonProcess app threads=5\n"

    with pytest.raises(ConfigParseError, match=r"wsgi.conf:2: .*already defined at"):
        wsgi_of(text)


def test_alias_option_beats_processgroup():
    text = (
        "WSGIDaemonProcess big processes=3\n"
        "WSGIDaemonProcess small processes=1\n"
        "WSGIProcessGroup big\n"
        "WSGIScriptAlias /api /srv/app/wsgi.py process-group=small\n"
    )

    [alias] = wsgi_of(text).aliases

    assert alias.group == "small"
    assert alias.group_rule == "process-group option"


def test_location_beats_directory_beats_vhost():
    text = (
        "WSGIDaemonProcess main processes=3\n"
        "WSGIDaemonProcess dir processes=2\n"
        "WSGIDaemonProcess loc processes=1\n"
        "<VirtualHost *:443>\n"
        "    WSGIProcessGroup main\n"
        "    WSGIScriptAlias /api /srv/app/wsgi.py\n"
        "    WSGIScriptAlias /admin /srv/admin/wsgi.py\n"
        "    WSGIScriptAlias /other /srv/other/wsgi.py\n"
        '    <Directory "/srv/app">\n'
        "        WSGIProcessGroup dir\n"
        "    </Directory>\n"
        "    <Location /admin>\n"
        "        WSGIProcessGroup loc\n"
        "    </Location>\n"
        "</VirtualHost>\n"
    )

    groups = {alias.url: alias.group for alias in wsgi_of(text).aliases}

    assert groups == {"/api": "dir", "/admin": "loc", "/other": "main"}


def test_other_vhost_group_does_not_apply():
    text = (
        "<VirtualHost *:80>\n    WSGIProcessGroup plain\n</VirtualHost>\n"
        "<VirtualHost *:443>\n    WSGIScriptAlias / /srv/app/wsgi.py\n</VirtualHost>\n"
    )

    [alias] = wsgi_of(text).aliases

    assert alias.group == ""
    assert alias.to_dict()["mode"] == "embedded"


def test_global_application_group_means_embedded():
    text = (
        "WSGIDaemonProcess app\nWSGIProcessGroup %{GLOBAL}\nWSGIScriptAlias / /a.py\n"
    )

    [alias] = wsgi_of(text).aliases

    assert alias.group == ""


def test_undefined_group_is_a_problem():
    text = "WSGIProcessGroup ghost\nWSGIScriptAlias / /srv/app/wsgi.py\n"

    wsgi = wsgi_of(text)

    assert "no WSGIDaemonProcess defines it" in wsgi.problems[0]


def test_alias_before_group_definition_rejected():
    text = (
        "WSGIScriptAlias / /srv/a.py process-group=app application-group=%{GLOBAL}\n"
        "WSGIDaemonProcess app\n"
    )

    with pytest.raises(ConfigParseError, match=r"wsgi.conf:1: process-group='app'"):
        wsgi_of(text)
