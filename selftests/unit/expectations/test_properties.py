"""Property-based tests: every broken expectations file gives one located message.

Each test starts from the shipped file and breaks it in one generated way. Loading
must then raise one ExpectationsError of the shape `FILE:LINE: ...` that points at
the broken line. Any other exception fails the test.
"""

import copy
import datetime
import math
import string

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.errors import ExpectationsError
from conformance.expectations import load

from .helpers import SHIPPED, SHIPPED_TEXT, load_error, split_message

BASE = yaml.safe_load(SHIPPED_TEXT)

# derandomize: the same examples on every run, so CI never meets a case that no
# developer run has met.
PROPERTY_SETTINGS = settings(
    derandomize=True,
    max_examples=200,
    deadline=datetime.timedelta(seconds=2),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Mappings whose entries are free-form values (JSON field matchers, celery options),
# where a new key or another type can be valid.
FREE_VALUE_MAPS = {"fields", "options"}
# Mappings whose entries may be removed without an error at the parent.
OPTIONAL_ENTRY_MAPS = {"runbook_sections", "environments", "endpoints", "mpm"}
OPTIONAL_KEYS = {"p95_ms", "deep", "fields", "env_file"}


_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def dump(document: dict) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        width=1000,
        allow_unicode=True,
    )


def walk(value: object, path: tuple = ()):
    """Yield (path, value) for every node of a loaded YAML document."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, (*path, index))


def inside_free_map(path: tuple) -> bool:
    return any(key in FREE_VALUE_MAPS for key in path[:-1])


def set_at(document: dict, path: tuple, value: object) -> dict:
    changed = copy.deepcopy(document)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return changed


def node_at(text: str, path: tuple) -> tuple[yaml.Node, yaml.Node | None]:
    """Return the node at `path` in `text` and the key node it sits under."""
    node = yaml.compose(text, Loader=_Loader)
    key_node = None
    for step in path:
        if isinstance(node, yaml.SequenceNode):
            node, key_node = node.value[step], None
            continue
        # Every key of the expectations file is text.
        key_node, node = next((k, v) for k, v in node.value if k.value == step)
    return node, key_node


def line_at(text: str, path: tuple) -> int:
    return node_at(text, path)[0].start_mark.line + 1


def key_line_at(text: str, path: tuple) -> int:
    node, key_node = node_at(text, path)
    return (key_node or node).start_mark.line + 1


ALL_NODES = list(walk(BASE))
LEAVES = [
    (path, value)
    for path, value in ALL_NODES
    if path and not inside_free_map(path) and path[-1] not in FREE_VALUE_MAPS
]
MAPPINGS = [
    path
    for path, value in ALL_NODES
    if isinstance(value, dict)
    and not inside_free_map(path)
    and (not path or path[-1] not in FREE_VALUE_MAPS)
]
NODES_BY_PATH = dict(ALL_NODES)


def required_keys() -> list[tuple]:
    """Return the path of every key whose removal must fail at its parent's line."""
    keys = []
    for path in MAPPINGS:
        if path and path[-1] in OPTIONAL_ENTRY_MAPS:
            continue
        if len(path) >= 2 and path[-2] == "mpm":
            continue
        optional = OPTIONAL_KEYS
        if len(path) >= 2 and path[-2] == "endpoints":
            optional = OPTIONAL_KEYS | {"runbook", "remediation"}
        keys += [(*path, key) for key in NODES_BY_PATH[path] if key not in optional]
    return keys


REQUIRED_KEYS = required_keys()
NON_EMPTY_MAPPINGS = [path for path in MAPPINGS if NODES_BY_PATH[path]]

text_values = st.text(alphabet=string.ascii_letters, min_size=1, max_size=12)
small_lists = st.lists(st.integers(-5, 5), min_size=1, max_size=3)
small_maps = st.dictionaries(
    st.sampled_from(["a", "b", "key"]),
    st.integers(-5, 5),
    min_size=1,
    max_size=2,
)
NOT_OF_TYPE = {
    str: st.one_of(st.integers(), st.booleans(), small_lists, small_maps),
    bool: st.one_of(st.integers(), text_values, small_lists),
    int: st.one_of(st.booleans(), text_values, small_lists, small_maps),
    float: st.one_of(st.booleans(), text_values, small_lists),
    datetime.date: st.one_of(st.integers(), st.booleans(), text_values, small_lists),
    list: st.one_of(text_values, st.integers(), small_maps),
    dict: st.one_of(text_values, st.integers(), small_lists),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


@pytest.fixture(scope="module")
def shipped():
    return load(SHIPPED)


def test_dumped_base_loads(folder):
    (folder / "expectations.yaml").write_text(dump(BASE))

    assert load(folder / "expectations.yaml").checks.tls.port == 443


@PROPERTY_SETTINGS
@given(data=st.data())
def test_wrong_type_located(folder, data):
    path, value = data.draw(st.sampled_from(LEAVES), label="path")
    replacement = data.draw(NOT_OF_TYPE[type(value)], label="replacement")
    text = dump(set_at(BASE, path, replacement))

    line, _ = load_error(folder, text)

    assert line == line_at(text, path)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_unknown_key_located(folder, data):
    path = data.draw(st.sampled_from(MAPPINGS), label="mapping")
    existing = NODES_BY_PATH[path]
    key = data.draw(
        st.text(alphabet=string.ascii_lowercase + "_", min_size=3, max_size=12)
        .map(lambda name: "x" + name)
        .filter(lambda name: name not in existing),
        label="key",
    )
    text = dump(set_at(BASE, (*path, key), "unexpected"))

    line, _ = load_error(folder, text)

    assert line == key_line_at(text, (*path, key))


@PROPERTY_SETTINGS
@given(data=st.data())
def test_duplicate_key_located(folder, data):
    path = data.draw(st.sampled_from(NON_EMPTY_MAPPINGS), label="mapping")
    key = data.draw(st.sampled_from(list(NODES_BY_PATH[path])), label="key")
    base_text = dump(BASE)
    _, key_node = node_at(base_text, (*path, key))
    lines = base_text.splitlines(keepends=True)
    row = key_node.start_mark.line
    column = key_node.start_mark.column
    key_text = lines[row][column : key_node.end_mark.column]
    lines.insert(row, " " * column + key_text + ": 1\n")
    text = "".join(lines)

    line, rest = load_error(folder, text)

    assert line == row + 2
    assert f"first set on line {row + 1}" in rest


@PROPERTY_SETTINGS
@given(data=st.data())
def test_missing_key_located(folder, data):
    path = data.draw(st.sampled_from(REQUIRED_KEYS), label="path")
    changed = copy.deepcopy(BASE)
    parent = changed
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    text = dump(changed)

    line, rest = load_error(folder, text)

    parent_path = path[:-1]
    expected = key_line_at(text, parent_path) if parent_path else 1
    assert line == expected
    assert repr(path[-1]) in rest


ports = st.one_of(st.integers(max_value=0), st.integers(min_value=65536))
not_positive = st.one_of(
    st.integers(max_value=0),
    st.floats(max_value=0),
    st.sampled_from([math.nan, math.inf, -math.inf]),
)
OUT_OF_RANGE = [
    (("checks", "tls", "port"), ports),
    (("checks", "frontend", "app_port"), ports),
    (("checks", "dependencies", "ports", "redis"), ports),
    (("checks", "tls", "min_days_to_expiry"), st.integers(max_value=0)),
    (("checks", "celery", "consumers"), st.integers(max_value=0)),
    (("checks", "wsgi", "daemon", "processes"), st.integers(max_value=0)),
    (
        ("checks", "apache", "mpm", "event", "MaxRequestWorkers"),
        st.integers(max_value=0),
    ),
    (("checks", "health", "samples"), st.integers(max_value=0)),
    (("checks", "capacity", "min_free_memory_mb"), st.integers(max_value=0)),
    (("checks", "capacity", "burst", "requests"), st.integers(max_value=0)),
    (("checks", "capacity", "burst", "p95_ms"), not_positive),
    (("checks", "capacity", "burst", "max_duration_s"), not_positive),
    (("checks", "capacity", "burst", "caps", "concurrency"), st.integers(max_value=0)),
    (("checks", "sse", "first_event_within_s"), not_positive),
    (("checks", "health", "endpoints", "/api/v1/health/ping", "p95_ms"), not_positive),
    (("timeouts", "ssh_connect_s"), not_positive),
    (("timeouts", "http_read_s"), not_positive),
    (
        ("checks", "capacity", "burst", "max_error_rate"),
        st.one_of(st.floats(min_value=1.0001), st.floats(max_value=-0.0001)),
    ),
    (
        ("checks", "health", "endpoints", "/api/v1/health/live", "status"),
        st.one_of(st.integers(max_value=99), st.integers(min_value=600)),
    ),
]


@PROPERTY_SETTINGS
@given(data=st.data())
def test_out_of_range_located(folder, data):
    path, values = data.draw(st.sampled_from(OUT_OF_RANGE), label="path")
    value = data.draw(values, label="value")
    text = dump(set_at(BASE, path, value))

    line, rest = load_error(folder, text)

    assert line == line_at(text, path)
    assert "out of range" in rest or "finite" in rest


@PROPERTY_SETTINGS
@given(name=st.text(min_size=1, max_size=20).filter(lambda n: n not in ("dev", "lab")))
def test_missing_environment_located(shipped, name):
    expectations = shipped

    with pytest.raises(ExpectationsError) as caught:
        expectations.environment(name)

    line, rest = split_message(str(caught.value), SHIPPED)
    assert line == SHIPPED_TEXT.splitlines().index("environments:") + 1
    assert "choose one of: dev, lab" in rest


BROKEN_LINES = st.sampled_from(
    [
        "key: [unclosed",
        "key: {unclosed: 1",
        "a: b: c",
        "\tindented: with a tab",
        '"unterminated: quote',
        "- item in a mapping",
        "key: *no_such_anchor",
        "]",
    ],
)


@PROPERTY_SETTINGS
@given(data=st.data())
def test_malformed_yaml_located(folder, data):
    lines = SHIPPED_TEXT.splitlines(keepends=True)
    row = data.draw(st.integers(0, len(lines)), label="row")
    indent = data.draw(st.sampled_from(["", "  ", "    "]), label="indent")
    broken = data.draw(BROKEN_LINES, label="broken")
    lines.insert(row, indent + broken + "\n")
    text = "".join(lines)
    path = folder / "expectations.yaml"
    path.write_text(text, encoding="utf-8")

    try:
        load(path)
    except ExpectationsError as error:
        line, _ = split_message(str(error), path)
        assert 1 <= line <= len(lines) + 1
    else:
        # A deeper-indented line after a plain scalar continues that scalar
        # ("title: A" then "    - item" reads as "A - item"), which YAML allows.
        assert indent
        assert yaml.safe_load(text) is not None


@PROPERTY_SETTINGS
@given(text=st.text(max_size=200))
def test_arbitrary_text_located(folder, text):
    line, _ = load_error(folder, text)

    assert 1 <= line <= len(text) + 1


@PROPERTY_SETTINGS
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_located(folder, data):
    path = folder / "expectations.yaml"
    path.write_bytes(data)

    with pytest.raises(ExpectationsError) as caught:
        load(path)

    line, _ = split_message(str(caught.value), path)
    assert line >= 1
