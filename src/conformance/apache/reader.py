"""Read an httpd 2.4 configuration tree into the directives httpd would act on.

httpd executes a few directives while it reads (EXEC_ON_READ in server/core.c):
Include, IncludeOptional, <IfModule>, <IfDefine>, <IfFile>, Define, UnDefine,
LoadModule and ServerRoot. Their effect depends on what came before them, so this
reader applies them in file order, as httpd does, and keeps every other directive
with its file, line and enclosing sections.
"""

from __future__ import annotations

import dataclasses
import glob as globlib
import posixpath
from collections.abc import Iterator

from conformance.apache.config import ApacheConfig, Directive, ReadOptions, Section
from conformance.apache.lines import (
    LogicalLine,
    is_comment,
    logical_lines,
    next_word,
    resolve_variables,
    split_words,
)
from conformance.apache.modules import (
    MPM_MODULES,
    LoadedModule,
    module_matches,
    mpm_of,
)
from conformance.sources import FileSource, Location, config_error

# AP_MAX_INCLUDE_DEPTH in httpd 2.4's include/http_config.h.
MAX_INCLUDE_DEPTH = 128

_CONDITIONALS = ("ifmodule", "ifdefine", "iffile")
# Read-time conditionals whose test needs the httpd binary; see _open_section().
_UNEVALUATED = ("ifversion", "ifdirective", "ifsection")


@dataclasses.dataclass
class _Frame:
    name: str
    arg: str
    location: Location
    conditional: bool


def read_config(path: str, source: FileSource, options: ReadOptions) -> ApacheConfig:
    """Read the configuration starting at path, following its Includes."""
    config = ApacheConfig(
        path=path,
        source=source,
        options=options,
        server_root=options.server_root,
        defines=dict.fromkeys(options.defines),
    )
    config.modules = [LoadedModule(symbol, None) for symbol in _static(options)]
    reader = _Reader(config)
    try:
        text = source.read(path)
    except FileNotFoundError:
        raise config_error(
            Location(path, None),
            "file not found",
            "check the path, or pass --server-root when it is relative",
        ) from None
    reader.read_file(path, text, context=(), depth=0)
    return config


def _static(options: ReadOptions) -> list[str]:
    symbols = list(options.static_modules)
    if options.mpm_override is None:
        return symbols
    return [_override(symbol, options.mpm_override) for symbol in symbols]


def _override(symbol: str, mpm: str) -> str:
    return MPM_MODULES[mpm] if mpm_of(symbol) else symbol


class _Reader:
    def __init__(self, config: ApacheConfig) -> None:
        self.config = config
        self.source = config.source

    def read_text(
        self,
        path: str,
        included_at: Location,
        *,
        optional: bool,
    ) -> str | None:
        try:
            return self.source.read(path)
        except FileNotFoundError:
            if optional:
                return None
            raise config_error(
                included_at,
                f"config file {path!r} not found",
                "create it, fix the path, or use IncludeOptional",
            ) from None

    def read_file(
        self,
        path: str,
        text: str,
        *,
        context: tuple[Section, ...],
        depth: int,
    ) -> None:
        self.config.files_read.append(path)
        lines = iter(logical_lines(text))
        stack: list[_Frame] = []
        for line in lines:
            if not is_comment(line):
                self._handle(path, line, lines, stack, context, depth)
        if stack:
            frame = stack[-1]
            raise config_error(
                frame.location,
                f"<{frame.name} {frame.arg}> is not closed before the end of the file",
                f"add </{frame.name}> in the same file",
            )

    def _handle(
        self,
        path: str,
        line: LogicalLine,
        lines: Iterator[LogicalLine],
        stack: list[_Frame],
        context: tuple[Section, ...],
        depth: int,
    ) -> None:
        location = Location(path, line.line)
        text = self._resolve(line.text, location)
        name, rest = next_word(text)
        if name is None:
            return
        if name.startswith("</"):
            self._close_section(name, location, stack)
        elif name.startswith("<"):
            self._open_section(name, rest, location, lines, stack)
        else:
            full_context = context + tuple(
                Section(frame.name, frame.arg, str(frame.location))
                for frame in stack
                if not frame.conditional
            )
            self._directive(name, rest, location, full_context, depth)

    def _resolve(self, text: str, location: Location) -> str:
        resolved, unknown = resolve_variables(text, self._variable)
        for name in unknown:
            self.config.warnings.append(
                f"{location}: ${{{name}}} is not defined, so httpd keeps it "
                "literally (AH00111)"
            )
        return resolved

    def _variable(self, name: str) -> str | None:
        value = self.config.defines.get(name)
        if value is not None:
            return value
        return self.config.options.environment.get(name)

    def _close_section(
        self, name: str, location: Location, stack: list[_Frame]
    ) -> None:
        closing = name[2:].removesuffix(">")
        if not stack:
            raise config_error(
                location,
                f"</{closing}> has no matching <{closing}> in this file",
                "remove it or add the opening line",
            )
        frame = stack.pop()
        if frame.name.lower() != closing.lower():
            raise config_error(
                location,
                f"expected </{frame.name}> to close the section opened at "
                f"{frame.location}, found </{closing}>",
                "close the sections in the order they were opened",
            )

    def _open_section(
        self,
        name: str,
        rest: str,
        location: Location,
        lines: Iterator[LogicalLine],
        stack: list[_Frame],
    ) -> None:
        section, arg = _section_header(name, rest, location)
        key = section.lower()
        if key in _UNEVALUATED:
            # NOTE: <IfVersion>, <IfDirective> and <IfSection> are read as true;
            # their test needs the running httpd binary.
            self.config.warnings.append(
                f"{location}: <{section} {arg}> is read as true; this reader "
                "cannot evaluate it"
            )
        if key in _CONDITIONALS + _UNEVALUATED:
            if key in _CONDITIONALS and not self._condition_holds(key, arg, location):
                _skip_section(section, arg, location, lines)
                return
            stack.append(_Frame(section, arg, location, conditional=True))
            return
        stack.append(_Frame(section, arg, location, conditional=False))

    def _condition_holds(self, key: str, arg: str, location: Location) -> bool:
        words = split_words(arg)
        if len(words) != 1:
            raise config_error(
                location,
                f"<{key}> takes one argument, found {arg!r}",
                "give one module, define or file name",
            )
        test = words[0]
        negated = test.startswith("!")
        test = test[1:] if negated else test
        if key == "ifmodule":
            found = any(module_matches(test, m) for m in self.config.modules)
        elif key == "ifdefine":
            found = test in self.config.defines
        else:
            found = self._path_exists(self._server_relative(test))
        return found != negated

    def _path_exists(self, path: str) -> bool:
        if self.source.is_dir(path):
            return True
        try:
            self.source.read(path)
        except FileNotFoundError:
            return False
        return True

    def _server_relative(self, path: str) -> str:
        return posixpath.normpath(posixpath.join(self.config.server_root, path))

    def _directive(
        self,
        name: str,
        rest: str,
        location: Location,
        context: tuple[Section, ...],
        depth: int,
    ) -> None:
        key = name.lower()
        words = split_words(rest)
        if key in ("include", "includeoptional"):
            optional = key == "includeoptional"
            self._include(name, words, location, context, depth, optional=optional)
        elif key == "define":
            self._define(words, location)
        elif key == "undefine":
            for word in words[:1]:
                self.config.defines.pop(word, None)
        elif key == "loadmodule":
            self._load_module(words, location)
        elif key == "serverroot":
            self._server_root(words, location)
        else:
            self.config.directives.append(
                Directive(
                    name=name,
                    args=tuple(words),
                    raw_args=rest,
                    file=location.file,
                    line=location.line or 0,
                    context=context,
                ),
            )

    def _define(self, words: list[str], location: Location) -> None:
        if not 1 <= len(words) <= 2:
            raise config_error(
                location,
                f"Define takes a name and an optional value, found {words!r}",
                "write `Define NAME` or `Define NAME value`",
            )
        if ":" in words[0]:
            raise config_error(
                location,
                f"Define name {words[0]!r} contains ':', which httpd rejects",
                "choose a name without ':'",
            )
        if len(words) == 2:
            self.config.defines[words[0]] = words[1]
        else:
            self.config.defines.setdefault(words[0], None)

    def _load_module(self, words: list[str], location: Location) -> None:
        if len(words) != 2:
            raise config_error(
                location,
                f"LoadModule takes a module name and a file, found {words!r}",
                "write `LoadModule name_module modules/mod_name.so`",
            )
        symbol = words[0]
        if self.config.options.mpm_override is not None:
            symbol = _override(symbol, self.config.options.mpm_override)
        if self.config.has_module(symbol):
            # httpd skips a module loaded twice and logs AH01574.
            self.config.warnings.append(
                f"{location}: module {symbol!r} is already loaded; httpd skips "
                "this line (AH01574)"
            )
            return
        self.config.modules.append(LoadedModule(symbol, str(location)))

    def _server_root(self, words: list[str], location: Location) -> None:
        if len(words) != 1 or not words[0].startswith("/"):
            raise config_error(
                location,
                f"ServerRoot needs one absolute directory, found {words!r}",
                'write `ServerRoot "/etc/httpd"`',
            )
        self.config.server_root = posixpath.normpath(words[0])

    def _include(
        self,
        name: str,
        words: list[str],
        location: Location,
        context: tuple[Section, ...],
        depth: int,
        *,
        optional: bool,
    ) -> None:
        if len(words) != 1:
            raise config_error(
                location,
                f"{name} takes one path, found {words!r}",
                "quote a path that contains spaces",
            )
        if depth + 1 > MAX_INCLUDE_DEPTH:
            raise config_error(
                location,
                f"Includes are nested more than {MAX_INCLUDE_DEPTH} levels deep",
                "look for a file that includes itself",
            )
        pattern = self._server_relative(words[0])
        expander = _IncludeExpander(self.source, location, optional=optional)
        for path in expander.expand(pattern):
            text = self.read_text(path, location, optional=optional)
            if text is not None:
                self.read_file(path, text, context=context, depth=depth + 1)


def _section_header(name: str, rest: str, location: Location) -> tuple[str, str]:
    if name.endswith(">") and not rest:
        return name[1:-1], ""
    if ">" not in rest:
        raise config_error(
            location,
            f"{name} is missing its closing '>'",
            f"end the line with '>', as in `{name} argument>`",
        )
    return name[1:], rest[: rest.rindex(">")].strip()


def _skip_section(
    section: str,
    arg: str,
    opened: Location,
    lines: Iterator[LogicalLine],
) -> None:
    """Consume the lines of a section whose condition is false.

    As httpd's ap_soak_end_container() does, nothing inside is executed, but
    nested sections must still open and close in order.
    """
    open_names = [section]
    for line in lines:
        name, _ = next_word(line.text)
        if name is None or not name.startswith("<"):
            continue
        if not name.startswith("</"):
            open_names.append(name[1:].removesuffix(">"))
            continue
        closing = name[2:].removesuffix(">")
        expected = open_names.pop()
        if closing.lower() != expected.lower():
            raise config_error(
                Location(opened.file, line.line),
                f"expected </{expected}>, found </{closing}>",
                "close the sections in the order they were opened",
            )
        if not open_names:
            return
    raise config_error(
        opened,
        f"<{section} {arg}> is not closed before the end of the file",
        f"add </{section}> in the same file",
    )


class _IncludeExpander:
    """Turn an Include argument into the files httpd reads, in httpd's order.

    This mirrors ap_process_fnmatch_configs() in httpd 2.4's server/config.c.
    Each wildcard component is matched against one directory and the matches are
    sorted with strcmp(). A wildcard before the last component matches
    directories only. A directory named without a wildcard is read recursively,
    with every entry sorted.
    """

    def __init__(self, source: FileSource, location: Location, *, optional: bool):
        self.source = source
        self.location = location
        self.optional = optional

    def expand(self, pattern: str) -> list[str]:
        if not _has_wildcard(pattern):
            return self._files_under(pattern, depth=0)
        bases = ["/"]
        components = [part for part in pattern.split("/") if part]
        for index, component in enumerate(components):
            last = index == len(components) - 1
            bases = self._step(bases, component, last=last)
        files: list[str] = []
        for base in bases:
            files.extend(self._files_under(base, depth=0))
        return files

    def _step(self, bases: list[str], component: str, *, last: bool) -> list[str]:
        if not _has_wildcard(component):
            return [posixpath.join(base, component) for base in bases]
        found: list[str] = []
        for base in bases:
            matches = self.source.glob(posixpath.join(globlib.escape(base), component))
            if not last:
                matches = [match for match in matches if self.source.is_dir(match)]
            if not matches and not self.optional:
                # NOTE: when base itself is missing, httpd 2.4 reports "Could not
                # open config directory" instead; both stop the server.
                raise config_error(
                    self.location,
                    f"no file matches the wildcard {component!r} in {base!r}",
                    "fix the pattern or use IncludeOptional",
                )
            found.extend(sorted(matches))
        return found

    def _files_under(self, path: str, *, depth: int) -> list[str]:
        if not self.source.is_dir(path):
            return [path]
        if depth > MAX_INCLUDE_DEPTH:
            raise config_error(
                self.location,
                f"directory {path!r} nests more than {MAX_INCLUDE_DEPTH} levels",
                "look for a directory symlink that loops",
            )
        escaped = globlib.escape(path)
        # httpd reads every entry of an included directory, hidden files too.
        entries = set(self.source.glob(escaped + "/*"))
        entries |= set(self.source.glob(escaped + "/.*"))
        files: list[str] = []
        for entry in sorted(entries):
            files.extend(self._files_under(entry, depth=depth + 1))
        return files


def _has_wildcard(text: str) -> bool:
    return any(char in text for char in "*?[")
