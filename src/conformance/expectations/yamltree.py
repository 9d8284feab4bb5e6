"""Parse YAML text into a tree whose every key and value keeps its line number.

PyYAML's constructors drop positions and keep the last of two equal keys without a
word, so this module composes PyYAML's node graph and builds the tree itself:

- `YScalar(value, line)`: a scalar converted by PyYAML's safe constructor
  (str, int, float, bool, None, date, datetime).
- `YSequence(items, line)`.
- `YMapping(entries, line)`: `entries` maps each key, always a str, to a `YEntry`
  carrying the key's line and the value node.

`parse_yaml(text, source)` raises ExpectationsError for malformed YAML, duplicate keys,
keys that are not text, merge keys, custom tags and recursive aliases, each with the
file and line at fault. Lines are 1-based.
"""

from dataclasses import dataclass

import yaml

from conformance.expectations.messages import Described, located_error

# Aliases can expand a small file into a huge tree ("billion laughs"); a real
# expectations file has a few hundred values.
MAX_VALUES = 100_000
# A real expectations file nests about 7 levels deep. The limit keeps deeply nested
# input from exhausting Python's recursion limit in the builder below.
MAX_DEPTH = 64

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


@dataclass(frozen=True)
class YScalar:
    value: object
    line: int


@dataclass(frozen=True)
class YSequence:
    items: tuple["YNode", ...]
    line: int


@dataclass(frozen=True)
class YEntry:
    key: str
    key_line: int
    value: "YNode"


@dataclass(frozen=True)
class YMapping:
    entries: dict[str, YEntry]
    line: int


YNode = YScalar | YSequence | YMapping

_KIND_NAMES = {YScalar: "a single value", YSequence: "a list", YMapping: "a mapping"}


def kind_name(node: YNode) -> str:
    """Return how a node reads in a message: a single value, a list or a mapping."""
    return _KIND_NAMES[type(node)]


def parse_yaml(text: str, source: str) -> YNode | None:
    """Parse one YAML document, or return None when the text contains none."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, source, text) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise located_error(
            source,
            line,
            f"invalid character in YAML: {error.reason}",
            got=chr(error.character) if isinstance(error.character, int) else "",
            fix="remove the character or write it as an escape in a quoted string",
        ) from None
    except yaml.YAMLError as error:
        raise located_error(
            source,
            1,
            "invalid YAML",
            got=str(error).splitlines()[0] if str(error) else "",
            fix="fix the YAML syntax",
        ) from None
    except RecursionError:
        raise located_error(
            source,
            1,
            "YAML nested too deeply to read",
            got="nesting",
            fix="flatten the nesting",
        ) from None
    if root is None:
        return None
    return _TreeBuilder(source).build(root)


def _syntax_error(error: yaml.MarkedYAMLError, source: str, text: str) -> Exception:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark is not None else 1
    problem = error.problem or error.context or "invalid YAML"
    context = f" {error.context}" if error.context and error.problem else ""
    lines = text.splitlines()
    return located_error(
        source,
        line,
        f"invalid YAML: {problem}{context}",
        got=lines[line - 1].strip() if line <= len(lines) else "",
        fix="fix the YAML syntax on this line or the line before it",
    )


class _TreeBuilder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.constructor = yaml.SafeLoader("")
        self.count = 0
        self.open_nodes: set[int] = set()

    def build(self, node: yaml.Node) -> YNode:
        self.count += 1
        if len(self.open_nodes) >= MAX_DEPTH:
            raise self.error(
                node,
                f"values nested more than {MAX_DEPTH} levels deep",
                got=Described("deep nesting"),
                fix="flatten the structure; the schema needs far fewer levels",
            )
        if self.count > MAX_VALUES:
            raise self.error(
                node,
                f"more than {MAX_VALUES} values, likely aliases expanding",
                got="*alias",
                fix="write the values out instead of nesting aliases",
            )
        if id(node) in self.open_nodes:
            raise self.error(
                node,
                "recursive alias: a value contains itself",
                got="*alias",
                fix="remove the alias that points at its own parent",
            )
        self.open_nodes.add(id(node))
        try:
            return self._build_kind(node)
        finally:
            self.open_nodes.discard(id(node))

    def _build_kind(self, node: yaml.Node) -> YNode:
        if isinstance(node, yaml.MappingNode):
            self._require_tag(node, _MAP_TAG)
            return self._mapping(node)
        if isinstance(node, yaml.SequenceNode):
            self._require_tag(node, _SEQ_TAG)
            items = tuple(self.build(item) for item in node.value)
            return YSequence(items, _line(node))
        return YScalar(self._scalar(node), _line(node))

    def _mapping(self, node: yaml.MappingNode) -> YMapping:
        entries: dict[str, YEntry] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node)
            if key in entries:
                first = entries[key].key_line
                raise self.error(
                    key_node,
                    f"duplicate key {key!r}, first set on line {first}",
                    got=key,
                    fix="keep one of the two entries; YAML would silently use "
                    "the last one",
                )
            entries[key] = YEntry(key, _line(key_node), self.build(value_node))
        return YMapping(entries, _line(node))

    def _key(self, node: yaml.Node) -> str:
        if node.tag == _MERGE_TAG:
            raise self.error(
                node,
                "merge keys are not supported",
                got=node.value,
                fix="write each key out so a reviewer sees every value",
            )
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(
                node,
                "a key must be text, not a list or mapping",
                got=Described(
                    "a list" if isinstance(node, yaml.SequenceNode) else "a mapping"
                ),
                fix="use a plain text key",
            )
        key = self._scalar(node)
        if not isinstance(key, str):
            raise self.error(
                node,
                "a key must be text",
                got=key,
                fix=f'quote the key: "{node.value}"',
            )
        return key

    def _scalar(self, node: yaml.Node) -> object:
        if node.tag not in _SCALAR_TAGS:
            raise self.error(
                node,
                f"unsupported YAML tag {node.tag!r}",
                got=node.value,
                fix="remove the tag and write a plain value",
            )
        try:
            return self.constructor.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            raise self.error(
                node,
                f"invalid {node.tag.rsplit(':', 1)[-1]} value: {error}",
                got=node.value,
                fix="quote the value to keep it as text, or correct it",
            ) from None

    def _require_tag(self, node: yaml.Node, tag: str) -> None:
        if node.tag != tag:
            raise self.error(
                node,
                f"unsupported YAML tag {node.tag!r}",
                got=node.tag,
                fix="remove the tag and write a plain list or mapping",
            )

    def error(self, node: yaml.Node, problem: str, *, got: object, fix: str):
        return located_error(self.source, _line(node), problem, got=got, fix=fix)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1
