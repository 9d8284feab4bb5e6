"""Celery worker settings from /etc/conf.d/celery, read as systemd and celery multi do.

celery = load_celery_config("/etc/conf.d/celery", source=source)
[node.nodename for node in celery.nodes]            # ["w1@%h", "w2@%h"]
celery.nodes[0].effective()["--concurrency"].value  # "1"
"""

from __future__ import annotations

import dataclasses
from typing import Any

from conformance.celery.envfile import EnvFile, EnvVar, read_env_file
from conformance.celery.misreads import find_misreads
from conformance.celery.multi import (
    Arg,
    CeleryNode,
    OptionValue,
    build_nodes,
    parse_args,
    unit_arguments,
)
from conformance.sources import FileSource, LocalFileSource, Location, config_error

__all__ = [
    "CeleryConfig",
    "CeleryNode",
    "EnvFile",
    "EnvVar",
    "OptionValue",
    "load_celery_config",
]


@dataclasses.dataclass
class CeleryConfig:
    """The environment file and the nodes celery multi starts from it."""

    env: EnvFile
    arguments: list[Arg]
    nodes: list[CeleryNode]
    problems: list[str]

    def node(self, name: str) -> CeleryNode:
        """Return the node called name ("w1", "w1@host"); raise KeyError if absent."""
        for node in self.nodes:
            if name in (node.name, node.nodename, node.nodename.split("@")[0]):
                return node
        raise KeyError(name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.env.path,
            "model": "systemd EnvironmentFile= (no $VAR expansion)",
            "variables": {
                name: {"value": var.value, "at": var.at, "sh_value": var.sh_value}
                for name, var in self.env.variables.items()
            },
            "celery_multi_arguments": [arg.text for arg in self.arguments],
            "nodes": [node.to_dict() for node in self.nodes],
            "problems": self.problems,
        }


def load_celery_config(
    path: str,
    *,
    source: FileSource | None = None,
    hostname: str = "%h",
) -> CeleryConfig:
    """Read an environment file and derive the nodes and options celery multi uses.

    hostname replaces celery's default node host (the machine's name); the
    default keeps celery's own %h placeholder.
    """
    try:
        text = (source or LocalFileSource()).read(path)
    except FileNotFoundError:
        raise config_error(
            Location(path, None),
            "file not found",
            "check the path of the Celery environment file",
        ) from None
    env = read_env_file(path, text)
    problems = list(env.problems)
    arguments = unit_arguments(env)
    parsed = parse_args(arguments[1:], problems)
    nodes = build_nodes(parsed, problems, hostname=hostname)
    problems += find_misreads(arguments, parsed, nodes)
    return CeleryConfig(env, arguments, nodes, problems)
