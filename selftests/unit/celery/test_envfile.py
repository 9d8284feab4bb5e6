"""/etc/conf.d/celery read as systemd's EnvironmentFile= reads it, and sh's view."""

from conformance.celery.envfile import read_env_file

PATH = "/etc/conf.d/celery"

# The layout of Celery's documented systemd example, with the runbook's values.
RUNBOOK_FILE = """\
# Name of nodes to start
# here we have two nodes
CELERYD_NODES="w1 w2"

# Absolute or relative path to the 'celery' command:
CELERY_BIN="/opt/mbpanel/venv/bin/celery"

# App instance to use
CELERY_APP="app.worker"

# How to call manage.py
CELERYD_MULTI="multi"

# Extra command-line arguments to the worker
CELERYD_OPTS="--time-limit=300 --concurrency=1"

# - %n will be replaced with the first part of the nodename.
# - %I will be replaced with the current child process index
CELERYD_PID_FILE="/var/run/celery/%n.pid"
CELERYD_LOG_FILE="/var/log/celery/%n%I.log"
CELERYD_LOG_LEVEL="INFO"
"""


def values(text):
    env = read_env_file(PATH, text)
    return {name: var.value for name, var in env.variables.items()}


def test_runbook_file_values_and_lines():
    env = read_env_file(PATH, RUNBOOK_FILE)

    assert env.get("CELERYD_NODES").value == "w1 w2"
    assert env.get("CELERYD_NODES").at == f"{PATH}:3"
    assert env.get("CELERYD_OPTS").value == "--time-limit=300 --concurrency=1"
    assert env.get("CELERYD_OPTS").at == f"{PATH}:15"
    assert env.problems == []


def test_quotes_and_backslashes():
    text = (
        "A='single $HOME'\n"
        'B="double \\"quoted\\" \\$HOME \\n"\n'
        "C=plain value   \n"
        'D="joined" "parts"\n'
        "E=esc\\ aped\n"
    )

    assert values(text) == {
        "A": "single $HOME",
        "B": 'double "quoted" $HOME \\n',
        "C": "plain value",
        "D": "joinedparts",
        "E": "esc aped",
    }


def test_continuation_lines():
    text = 'CELERYD_OPTS="--time-limit=300 \\\n  --concurrency=1"\nNEXT=1\n'

    env = read_env_file(PATH, text)

    assert env.get("CELERYD_OPTS").value == "--time-limit=300   --concurrency=1"
    assert env.get("NEXT").at == f"{PATH}:3"


def test_comments_hash_and_semicolon_only_at_start():
    text = "# comment\n  ; also a comment\nA=1 # not a comment\n"

    assert values(text) == {"A": "1 # not a comment"}


def test_export_line_is_ignored_by_systemd():
    env = read_env_file(PATH, "export CELERYD_NODES=w1\nCELERYD_OPTS=-c 1\n")

    assert env.get("CELERYD_NODES") is None
    assert env.get("CELERYD_OPTS").value == "-c 1"
    assert any(p.startswith(f"{PATH}:1: systemd ignores 'export") for p in env.problems)
    assert any("sh would run '1' as a command" in p for p in env.problems)


def test_no_variable_expansion_but_sh_differs():
    text = "LOGDIR=/var/log/celery\nCELERYD_LOG_FILE=${LOGDIR}/%n%I.log\n"

    env = read_env_file(PATH, text)
    log_file = env.get("CELERYD_LOG_FILE")

    assert log_file.value == "${LOGDIR}/%n%I.log"
    assert log_file.sh_value == "/var/log/celery/%n%I.log"
    assert "sh reads '/var/log/celery/%n%I.log'" in env.problems[0]


def test_last_assignment_wins():
    env = read_env_file(PATH, "CELERYD_NODES=w1\nCELERYD_NODES='w1 w2'\n")

    assert env.get("CELERYD_NODES").value == "w1 w2"
    assert env.get("CELERYD_NODES").at == f"{PATH}:2"


def test_line_without_equals_is_skipped():
    assert values("just words\nA=1\n") == {"A": "1"}
