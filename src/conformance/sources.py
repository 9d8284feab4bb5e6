"""File sources for the config parsers: the local disk or a snapshot of a host.

The suite fetches a host's config files in one SSH round trip and parses them locally,
so every parser reads through a FileSource instead of calling open() itself.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import glob as globlib
import os
import posixpath
from collections.abc import Mapping
from typing import Protocol

from conformance.errors import ConfigParseError


class FileSource(Protocol):
    """Read access to a tree of text files, addressed by absolute POSIX paths."""

    def read(self, path: str) -> str:
        """Return the text of a file; raise FileNotFoundError when it is absent."""

    def glob(self, pattern: str) -> list[str]:
        """Return the sorted paths that match a shell wildcard pattern.

        As in a shell, `*` and `?` do not match a leading dot or a slash.
        """

    def is_dir(self, path: str) -> bool:
        """Return True when the path names a directory."""


class LocalFileSource:
    """Files on the local disk."""

    def read(self, path: str) -> str:
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except IsADirectoryError as error:
            raise config_error(
                Location(path, None),
                "is a directory, not a config file",
                "pass the path of a file",
            ) from error
        except PermissionError as error:
            raise config_error(
                Location(path, None),
                "cannot be read: permission denied",
                "run as a user that may read it, or copy it somewhere readable",
            ) from error
        except UnicodeDecodeError as error:
            raise config_error(
                Location(path, None),
                f"is not UTF-8 text ({error.reason} at byte {error.start})",
                "check that the path names a text config file",
            ) from error

    def glob(self, pattern: str) -> list[str]:
        return sorted(globlib.glob(pattern))

    def is_dir(self, path: str) -> bool:
        return os.path.isdir(path)


class SnapshotFileSource:
    """Files captured from a host, held as a mapping of absolute path to text.

    Directories are implied by the paths of the files they contain, so an empty
    directory on the host does not exist in a snapshot.
    """

    def __init__(self, files: Mapping[str, str]) -> None:
        self._files = {posixpath.normpath(path): text for path, text in files.items()}
        self._dirs = _parent_directories(self._files)

    def read(self, path: str) -> str:
        try:
            return self._files[posixpath.normpath(path)]
        except KeyError:
            raise FileNotFoundError(path) from None

    def glob(self, pattern: str) -> list[str]:
        parts = posixpath.normpath(pattern).split("/")
        candidates = set(self._files) | self._dirs
        return sorted(path for path in candidates if _matches(parts, path))

    def is_dir(self, path: str) -> bool:
        return posixpath.normpath(path) in self._dirs


@dataclasses.dataclass(frozen=True)
class Location:
    """A place in a config file: its path and 1-based line, or no line at all."""

    file: str
    line: int | None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        return f"{self.file}:{self.line}"


def config_error(location: Location, problem: str, fix: str) -> ConfigParseError:
    """Build the one-line error every parser raises: `file:line: problem; fix`."""
    return ConfigParseError(f"{location}: {problem}; {fix}")


def _parent_directories(paths: Mapping[str, str]) -> set[str]:
    directories: set[str] = set()
    for path in paths:
        parent = posixpath.dirname(path)
        while parent not in directories and parent not in ("", "/"):
            directories.add(parent)
            parent = posixpath.dirname(parent)
    directories.add("/")
    return directories


def _matches(pattern_parts: list[str], path: str) -> bool:
    path_parts = path.split("/")
    if len(path_parts) != len(pattern_parts):
        return False
    return all(
        _component_matches(pattern, name)
        for pattern, name in zip(pattern_parts, path_parts, strict=True)
    )


def _component_matches(pattern: str, name: str) -> bool:
    # A wildcard never matches a leading dot, the rule both glob(3) and
    # Apache's APR_FNM_PERIOD apply to hidden files.
    if name.startswith(".") and not pattern.startswith("."):
        return False
    return fnmatch.fnmatchcase(name, pattern)
