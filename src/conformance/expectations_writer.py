"""Write an expectations file as YAML a person can review, a comment on each value.

Values are plain data (mappings, lists, strings, numbers, dates) in the shape of
expectations.yaml. `comments` maps a key path, such as
("checks", "apache", "mpm", "event", "MaxRequestWorkers"), to the text written
beside that value or, for a mapping, on the line above it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

INDENT = "  "
# Lists of scalars up to this width stay on one line, as expectations.yaml has them.
FLOW_WIDTH = 72

Path = tuple[str, ...]


def render_yaml(
    data: Mapping[str, Any],
    *,
    comments: Mapping[Path, str],
    header: list[str],
) -> str:
    """Return `data` as block YAML with `header` comment lines on top."""
    lines = [f"# {line}".rstrip() for line in header]
    lines.append("")
    for key, value in data.items():
        lines += _entry(key, value, (key,), comments, depth=0)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def scalar(value: Any) -> str:
    """Return one scalar as YAML, quoted where YAML would read it as another type."""
    text = yaml.safe_dump(value, default_flow_style=True, width=1_000_000)
    return text.split("\n", 1)[0].removesuffix(" ...")


def _entry(
    key: Any, value: Any, path: Path, comments: Mapping[Path, str], *, depth: int
) -> list[str]:
    pad = INDENT * depth
    comment = comments.get(path)
    inline = None if _has_inner_comments(path, comments) else _inline(value)
    if inline is not None:
        suffix = f"  # {comment}" if comment else ""
        return [f"{pad}{scalar(key)}: {inline}{suffix}"]
    lines = [f"{pad}# {comment}"] if comment else []
    lines.append(f"{pad}{scalar(key)}:")
    if isinstance(value, Mapping):
        for child_key, child in value.items():
            lines += _entry(
                child_key, child, (*path, str(child_key)), comments, depth=depth + 1
            )
        return lines
    for index, item in enumerate(value):
        item_comment = comments.get((*path, str(index)))
        suffix = f"  # {item_comment}" if item_comment else ""
        lines.append(f"{pad}{INDENT}- {_flow(item)}{suffix}")
    return lines


def _has_inner_comments(path: Path, comments: Mapping[Path, str]) -> bool:
    size = len(path)
    return any(len(key) > size and key[:size] == path for key in comments)


def _inline(value: Any) -> str | None:
    """Return the one-line form of a scalar, an empty container or a short one."""
    if not isinstance(value, Mapping | list | tuple):
        return scalar(value)
    if not value:
        return "{}" if isinstance(value, Mapping) else "[]"
    children = value.values() if isinstance(value, Mapping) else value
    if any(isinstance(child, Mapping | list | tuple) for child in children):
        return None
    text = _flow(value)
    return text if len(text) <= FLOW_WIDTH else None


def _flow(value: Any) -> str:
    if isinstance(value, Mapping):
        pairs = ", ".join(f"{scalar(k)}: {_flow(v)}" for k, v in value.items())
        return "{" + pairs + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value)
