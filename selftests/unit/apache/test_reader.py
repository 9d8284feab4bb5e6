"""How the reader follows includes, conditionals and defines, as httpd does."""

import pytest

from conformance.apache import (
    DEBIAN_STATIC_MODULES,
    effective_mpm,
    load_apache_config,
    loaded_mpm,
)
from conformance.errors import ConfigParseError
from conformance.sources import LocalFileSource, SnapshotFileSource

from .trees import DEBIAN_ENV, debian_tree, rhel_tree

HTTPD_CONF = "/etc/httpd/conf/httpd.conf"


def load(files, path=HTTPD_CONF, **kwargs):
    kwargs.setdefault("server_root", "/etc/httpd")
    return load_apache_config(path, source=SnapshotFileSource(files), **kwargs)


def with_main(text, **extra):
    return {HTTPD_CONF: text, **extra}


def test_rhel_tree_reads_includes_in_order():
    config = load(rhel_tree())

    assert config.files_read == [
        HTTPD_CONF,
        "/etc/httpd/conf.modules.d/00-base.conf",
        "/etc/httpd/conf.modules.d/00-mpm.conf",
        "/etc/httpd/conf.modules.d/10-wsgi-python3.conf",
        "/etc/httpd/conf.d/wsgi.conf",
    ]
    assert loaded_mpm(config) == "event"
    assert config.has_module("wsgi_module")


def test_rhel_tree_keeps_file_and_line():
    config = load(rhel_tree())

    [workers] = config.find("MaxRequestWorkers")

    assert workers.at == f"{HTTPD_CONF}:63"
    assert workers.args == ("150",)


def test_debian_tree_with_environment_variables():
    config = load(
        debian_tree(),
        path="/etc/apache2/apache2.conf",
        server_root="/etc/apache2",
        static_modules=DEBIAN_STATIC_MODULES,
        environment=DEBIAN_ENV,
    )

    [user] = config.find("User")
    settings = effective_mpm(config, "event")

    assert user.args == ("www-data",)
    assert config.has_module("unixd_module")
    assert settings["StartServers"].effective == 2
    assert settings["MaxRequestWorkers"].configured_at.endswith("mpm_event.conf:10")
    assert config.warnings == []


def test_include_glob_sorted_by_strcmp():
    files = with_main(
        "Include conf.d/*.conf\n",
        **{
            "/etc/httpd/conf.d/b.conf": "Marker b\n",
            "/etc/httpd/conf.d/A.conf": "Marker A\n",
            "/etc/httpd/conf.d/10-x.conf": "Marker 10\n",
            "/etc/httpd/conf.d/.hidden.conf": "Marker hidden\n",
            "/etc/httpd/conf.d/a.conf.bak": "Marker bak\n",
        },
    )

    markers = [d.args[0] for d in load(files).find("Marker")]

    assert markers == ["10", "A", "b"]


def test_include_wildcard_in_directory_component():
    files = with_main(
        "Include vhosts/*/site.conf\n",
        **{
            "/etc/httpd/vhosts/beta/site.conf": "Marker beta\n",
            "/etc/httpd/vhosts/alpha/site.conf": "Marker alpha\n",
            "/etc/httpd/vhosts/alpha/other.conf": "Marker other\n",
        },
    )

    markers = [d.args[0] for d in load(files).find("Marker")]

    assert markers == ["alpha", "beta"]


def test_include_directory_reads_everything_sorted():
    files = with_main(
        'Include "conf.extra"\n',
        **{
            "/etc/httpd/conf.extra/z.conf": "Marker z\n",
            "/etc/httpd/conf.extra/sub/a.conf": "Marker sub-a\n",
            "/etc/httpd/conf.extra/.dot": "Marker dot\n",
        },
    )

    markers = [d.args[0] for d in load(files).find("Marker")]

    assert markers == ["dot", "sub-a", "z"]


def test_include_missing_file_is_an_error():
    files = with_main("ServerName a\nInclude conf.d/missing.conf\n")

    with pytest.raises(ConfigParseError) as raised:
        load(files)

    message = str(raised.value)
    assert message.startswith(f"{HTTPD_CONF}:2: ")
    assert "'/etc/httpd/conf.d/missing.conf' not found" in message


def test_include_unmatched_glob_is_an_error():
    files = with_main("Include conf.d/*.conf\n", **{"/etc/httpd/conf.d/x.txt": ""})

    with pytest.raises(ConfigParseError, match=r"httpd.conf:1: no file matches"):
        load(files)


def test_includeoptional_unmatched_glob_is_ignored():
    files = with_main(
        "IncludeOptional conf.d/*.conf\nIncludeOptional /nowhere/x.conf\nMarker end\n"
    )

    config = load(files)

    assert [d.args[0] for d in config.find("Marker")] == ["end"]
    assert config.files_read == [HTTPD_CONF]


def test_include_inside_virtualhost_keeps_context():
    files = with_main(
        "<VirtualHost *:443>\n    Include conf/vhost-extra.conf\n</VirtualHost>\n",
        **{"/etc/httpd/conf/vhost-extra.conf": "WSGIProcessGroup app\n"},
    )

    [group] = load(files).find("WSGIProcessGroup")

    assert group.enclosing("VirtualHost").arg == "*:443"


def test_directive_names_are_case_insensitive():
    files = with_main("maxrequestworkers 100\nMAXREQUESTWORKERS 120\n")

    found = load(files).find("MaxRequestWorkers")

    assert [d.args[0] for d in found] == ["100", "120"]


def test_continuation_lines_join():
    files = with_main(
        'LogFormat "%h %l \\\n    %u" common\nNext one\n'
        "Comment \\\\\nNotContinued yes\n"
    )
    config = load(files)

    [log_format] = config.find("LogFormat")
    [following] = config.find("Next")

    assert log_format.args == ("%h %l     %u", "common")
    assert log_format.line == 1
    assert following.line == 3
    assert config.find("NotContinued")[0].line == 5


def test_quoted_path_with_spaces():
    files = with_main(
        'Include "conf/my extra.conf"\n',
        **{"/etc/httpd/conf/my extra.conf": "DocumentRoot '/srv/my site'\n"},
    )

    [root] = load(files).find("DocumentRoot")

    assert root.args == ("/srv/my site",)


def test_comment_only_at_line_start():
    files = with_main(
        "# MaxRequestWorkers 1\n   # indented comment\nServerName a # b\n"
    )
    config = load(files)

    assert config.find("MaxRequestWorkers") == []
    assert config.find("ServerName")[0].args == ("a", "#", "b")


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        pytest.param("mpm_event_module", True, id="module-id"),
        pytest.param("event.c", True, id="source-file"),
        pytest.param("mod_mpm_event.c", False, id="so-name-is-not-a-module-name"),
        pytest.param("MPM_EVENT_MODULE", False, id="case-sensitive"),
        pytest.param("!mpm_prefork_module", True, id="negated-absent"),
        pytest.param("!mpm_event_module", False, id="negated-present"),
        pytest.param("mod_log_config.c", True, id="static-debian-module"),
    ],
)
def test_ifmodule_matches_like_httpd(test, expected):
    files = with_main(
        "LoadModule mpm_event_module modules/mod_mpm_event.so\n"
        f"<IfModule {test}>\n    Marker inside\n</IfModule>\n"
    )

    config = load(files, static_modules=DEBIAN_STATIC_MODULES)

    assert bool(config.find("Marker")) is expected


def test_ifmodule_sees_only_modules_loaded_above():
    files = with_main(
        "<IfModule wsgi_module>\n  Marker early\n</IfModule>\n"
        "LoadModule wsgi_module modules/mod_wsgi.so\n"
        "<IfModule mod_wsgi.c>\n  Marker late\n</IfModule>\n"
    )

    markers = [d.args[0] for d in load(files).find("Marker")]

    assert markers == ["late"]


def test_nested_false_section_skips_includes():
    files = with_main(
        "<IfModule mpm_prefork_module>\n"
        "  <IfModule !missing_module>\n"
        "    Include conf/never.conf\n"
        "  </IfModule>\n"
        "  Define NEVER\n"
        "</IfModule>\n"
        "<IfDefine NEVER>\n  Marker never\n</IfDefine>\n"
    )

    config = load(files)

    assert config.find("Marker") == []
    assert "NEVER" not in config.defines


def test_define_and_variables():
    files = with_main(
        "Define APP_ROOT /opt/mbpanel\n"
        "Define USE_WSGI\n"
        "<IfDefine USE_WSGI>\n"
        "  WSGIScriptAlias / ${APP_ROOT}/app/wsgi.py\n"
        "</IfDefine>\n"
        "<IfDefine !USE_WSGI>\n  Marker off\n</IfDefine>\n"
        "ErrorLog ${LOG_DIR}/error_log\n"
    )

    config = load(files)

    assert config.find("WSGIScriptAlias")[0].args == ("/", "/opt/mbpanel/app/wsgi.py")
    assert config.find("Marker") == []
    assert config.find("ErrorLog")[0].args == ("${LOG_DIR}/error_log",)
    assert "LOG_DIR" in config.warnings[0]


def test_command_line_define():
    files = with_main("<IfDefine FOREGROUND>\n  Marker fg\n</IfDefine>\n")

    assert load(files, defines=["FOREGROUND"]).find("Marker")
    assert not load(files).find("Marker")


def test_serverroot_changes_later_includes():
    files = {
        "/srv/httpd/conf/httpd.conf": 'ServerRoot "/srv/httpd"\nInclude extra.conf\n',
        "/srv/httpd/extra.conf": "Marker moved\n",
    }

    config = load(files, path="/srv/httpd/conf/httpd.conf", server_root="/etc/httpd")

    assert config.server_root == "/srv/httpd"
    assert config.find("Marker")


@pytest.mark.parametrize(
    ("text", "wording"),
    [
        pytest.param(
            "<IfModule mpm_event_module>\n  ThreadsPerChild 25\n",
            r"httpd.conf:1: <IfModule mpm_event_module> is not closed",
            id="unclosed-ifmodule",
        ),
        pytest.param(
            "<IfModule mpm_prefork_module>\n  StartServers 5\n",
            r"httpd.conf:1: <IfModule mpm_prefork_module> is not closed",
            id="unclosed-false-ifmodule",
        ),
        pytest.param(
            "<VirtualHost *:80>\n</Directory>\n",
            r"httpd.conf:2: expected </VirtualHost>",
            id="mismatched-close",
        ),
        pytest.param("</IfModule>\n", r"httpd.conf:1: </IfModule> has no", id="stray"),
        pytest.param(
            "<IfModule mpm_event_module\n</IfModule>\n",
            r"httpd.conf:1: <IfModule is missing its closing '>'",
            id="missing-bracket",
        ),
    ],
)
def test_syntax_errors_name_file_and_line(text, wording):
    files = with_main("LoadModule mpm_event_module m.so\n" + text)
    shifted = wording.replace(":1:", ":2:").replace(":2: expected", ":3: expected")

    with pytest.raises(ConfigParseError, match=shifted):
        load(files)


def test_local_file_source_reads_disk(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (tmp_path / "conf.d").mkdir()
    (conf / "httpd.conf").write_text(
        f'ServerRoot "{tmp_path}"\nIncludeOptional conf.d/*.conf\n'
    )
    (tmp_path / "conf.d" / "mpm.conf").write_text("ThreadsPerChild 30\n")

    config = load_apache_config(
        str(conf / "httpd.conf"),
        server_root="/unused",
        source=LocalFileSource(),
    )

    assert config.find("ThreadsPerChild")[0].args == ("30",)
