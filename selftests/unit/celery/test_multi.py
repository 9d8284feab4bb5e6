"""Nodes and worker options as `celery multi` builds them from CELERYD_* values."""

import pytest

from conformance.celery import load_celery_config
from conformance.errors import ConfigParseError
from conformance.sources import SnapshotFileSource

PATH = "/etc/conf.d/celery"
BASE = (
    'CELERY_APP="app.worker"\n'
    'CELERYD_PID_FILE="/var/run/celery/%n.pid"\n'
    'CELERYD_LOG_FILE="/var/log/celery/%n%I.log"\n'
    'CELERYD_LOG_LEVEL="INFO"\n'
)


def celery_of(nodes, opts, **kwargs):
    text = BASE + f'CELERYD_NODES="{nodes}"\nCELERYD_OPTS="{opts}"\n'
    source = SnapshotFileSource({PATH: text})
    return load_celery_config(PATH, source=source, **kwargs)


def effective(node, option):
    found = node.effective().get(option)
    return None if found is None else found.value


def test_runbook_nodes_and_options():
    celery = celery_of("w1 w2", "--time-limit=300 --concurrency=1", hostname="be")

    assert [node.nodename for node in celery.nodes] == ["w1@be", "w2@be"]
    for node in celery.nodes:
        assert effective(node, "--concurrency") == "1"
        assert effective(node, "--time-limit") == "300"
        assert effective(node, "--loglevel") == "INFO"
        assert node.effective()["--concurrency"].origin == f"CELERYD_OPTS ({PATH}:6)"
    assert celery.problems == []


def test_node_count_becomes_range():
    celery = celery_of("3", "-c 2")

    assert [node.nodename for node in celery.nodes] == [
        "celery1@%h",
        "celery2@%h",
        "celery3@%h",
    ]
    assert effective(celery.node("celery2"), "--concurrency") == "2"


@pytest.mark.parametrize(
    "opts",
    [
        pytest.param("--concurrency=1 -c:w1 4", id="short-namespaced"),
        pytest.param("--concurrency=1 --concurrency:w1=4", id="long-namespaced"),
        pytest.param("-c 1 -c:1 4", id="index-namespaced"),
    ],
)
def test_per_node_option(opts):
    celery = celery_of("w1 w2", opts)

    assert effective(celery.node("w1"), "--concurrency") == "4"
    assert effective(celery.node("w2"), "--concurrency") == "1"


def test_long_option_with_space_adds_node():
    celery = celery_of("w1 w2", "--time-limit 300 --concurrency=1")

    assert [node.name for node in celery.nodes] == ["w1", "w2", "300"]
    assert effective(celery.node("w1"), "--time-limit") is None
    assert any("reads '300' as an extra node name" in p for p in celery.problems)
    assert any("--time-limit has no value" in p for p in celery.problems)


def test_short_option_with_space_is_fine():
    celery = celery_of("w1", "-c 3 -Q jobs.env.create")

    assert effective(celery.node("w1"), "--concurrency") == "3"
    assert effective(celery.node("w1"), "--queues") == "jobs.env.create"
    assert celery.problems == []


def test_per_node_override_lost_to_later_alias():
    celery = celery_of("w1 w2", "-c 2 --concurrency=1 -c:w1 4")

    assert effective(celery.node("w1"), "--concurrency") == "1"
    assert any(
        "-c for node w1 is overridden by --concurrency=1" in p for p in celery.problems
    )


def test_namespace_for_missing_node_is_reported():
    celery = celery_of("w1 w2", "-Q:w3 slow")

    assert any("-Q:w3 names no node" in p for p in celery.problems)


def test_quotes_inside_opts_survive_splitting():
    text = BASE + "CELERYD_NODES=w1\nCELERYD_OPTS='--queues=\"a b\"'\n"

    celery = load_celery_config(PATH, source=SnapshotFileSource({PATH: text}))

    assert effective(celery.node("w1"), "--queues") == '"a'
    assert any("keeps its quote characters" in p for p in celery.problems)


def test_app_option_goes_to_celery_not_worker():
    celery = celery_of("w1", "-c 1")

    node = celery.node("w1")

    assert node.options["-A"].value == "app.worker"
    assert "-A" not in node.effective()


def test_default_pidfile_when_unset():
    text = 'CELERYD_NODES="w1"\nCELERYD_OPTS="-c 1 -p /run/w.pid"\n'

    celery = load_celery_config(PATH, source=SnapshotFileSource({PATH: text}))

    assert effective(celery.node("w1"), "--pidfile") == "/run/w.pid"
    assert any("--pidfile has no value" in p for p in celery.problems)


def test_missing_file_is_one_line_error():
    with pytest.raises(ConfigParseError, match=r"^/etc/conf.d/celery: file not found"):
        load_celery_config(PATH, source=SnapshotFileSource({}))
