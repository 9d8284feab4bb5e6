"""The MPM values httpd actually runs with, derived from what the config sets.

httpd 2.4 starts each MPM from compiled-in defaults (its pre_config hook), lets the
config override them, then corrects impossible combinations in its check_config
hook and again when it starts children (event_run(), worker_run(), prefork_run()).
The order of corrections and the AH codes below follow httpd 2.4's
server/mpm/{event/event.c,worker/worker.c,prefork/prefork.c}; the defaults match
the MPM pages of the 2.4 manual (ServerLimit 16, ThreadLimit 64, ThreadsPerChild
25, StartServers 3, MinSpareThreads 75, MaxSpareThreads 250 for worker and event).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from conformance.apache.config import ApacheConfig, Directive
from conformance.apache.lines import atoi, is_clean_int
from conformance.apache.modules import DEFAULT_STATIC_MODULES, MPM_MODULES
from conformance.sources import config_error

THREADED_DIRECTIVES = (
    "ServerLimit",
    "ThreadLimit",
    "ThreadsPerChild",
    "MaxRequestWorkers",
    "StartServers",
    "MinSpareThreads",
    "MaxSpareThreads",
    "MaxConnectionsPerChild",
)
PREFORK_DIRECTIVES = (
    "ServerLimit",
    "MaxRequestWorkers",
    "StartServers",
    "MinSpareServers",
    "MaxSpareServers",
    "MaxConnectionsPerChild",
)
# Old names httpd 2.4 still accepts for the same setting.
ALIASES = {
    "maxclients": "MaxRequestWorkers",
    "maxrequestsperchild": "MaxConnectionsPerChild",
}


@dataclasses.dataclass
class MpmValue:
    """One MPM setting: the configured value, its location, and the value httpd uses."""

    name: str
    effective: int
    configured: int | None = None  # the number httpd's atoi() reads
    configured_text: str | None = None  # the argument as written
    configured_at: str | None = None  # "file:line" of the setting that wins
    overridden_at: list[str] = dataclasses.field(default_factory=list)
    adjustments: list[str] = dataclasses.field(default_factory=list)

    @property
    def source(self) -> str:
        if self.adjustments:
            return "adjusted by httpd"
        return "configured" if self.configured_at else "default"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "configured": self.configured,
            "configured_text": self.configured_text,
            "configured_at": self.configured_at,
            "overridden_at": self.overridden_at,
            "effective": self.effective,
            "source": self.source,
            "adjustments": self.adjustments,
        }


@dataclasses.dataclass
class MpmSettings:
    """The settings of one MPM as httpd would run them with this config."""

    mpm: str
    loaded: bool  # True when the config itself loads this MPM
    values: dict[str, MpmValue]
    problems: list[str] = dataclasses.field(default_factory=list)

    def __getitem__(self, name: str) -> MpmValue:
        return self.values[name]

    def to_dict(self) -> dict[str, Any]:
        return {
            "mpm": self.mpm,
            "loaded": self.loaded,
            "directives": [value.to_dict() for value in self.values.values()],
            "problems": self.problems,
        }


def effective_mpm(config: ApacheConfig, mpm: str = "event") -> MpmSettings:
    """Derive the settings httpd would run with if `mpm` were the loaded MPM.

    The config is re-read with `mpm` in place of the MPM it loads, so the
    <IfModule mpm_worker_module> and <IfModule mpm_event_module> blocks are each
    evaluated as httpd would evaluate them with that MPM.
    """
    if mpm not in MPM_MODULES:
        raise ValueError(f"unknown MPM {mpm!r}; use one of {sorted(MPM_MODULES)}")
    loaded = config.loaded_mpm()
    view = config if loaded == mpm else _reread_with(config, mpm, loaded)
    names = PREFORK_DIRECTIVES if mpm == "prefork" else THREADED_DIRECTIVES
    settings = MpmSettings(mpm, loaded == mpm, {})
    configured = _collect(view, names, settings)
    if mpm == "prefork":
        _derive_prefork(configured, settings)
    else:
        _derive_threaded(configured, settings, _CODES[mpm])
    return settings


def _reread_with(config: ApacheConfig, mpm: str, loaded: str | None) -> ApacheConfig:
    from conformance.apache.reader import read_config

    options = config.options
    if loaded is None:
        # No LoadModule line loads an MPM, so treat it as compiled in.
        static = tuple(options.static_modules) or DEFAULT_STATIC_MODULES
        options = dataclasses.replace(
            options,
            static_modules=(*static, MPM_MODULES[mpm]),
        )
    options = dataclasses.replace(options, mpm_override=mpm)
    return read_config(config.path, config.source, options)


def _collect(
    config: ApacheConfig,
    names: tuple[str, ...],
    settings: MpmSettings,
) -> dict[str, list[Directive]]:
    by_key = {name.lower(): name for name in names}
    all_names = {n.lower() for n in THREADED_DIRECTIVES + PREFORK_DIRECTIVES}
    found: dict[str, list[Directive]] = {name: [] for name in names}
    for directive in config.directives:
        canonical = ALIASES.get(directive.key, by_key.get(directive.key))
        if canonical in found:
            _check_placement(directive)
            found[canonical].append(directive)
        elif directive.key in all_names:
            settings.problems.append(
                f"{directive.at}: {directive.name} is not a directive of the "
                f"{settings.mpm} MPM, so httpd -t fails with 'Invalid command'"
            )
    return found


def _check_placement(directive: Directive) -> None:
    if directive.context:
        section = directive.context[-1]
        raise config_error(
            directive.location,
            f"{directive.name} is not allowed inside <{section.name}>; httpd "
            "accepts MPM directives only at server level",
            "move it out of the section, into the server-level config",
        )
    if len(directive.args) != 1:
        raise config_error(
            directive.location,
            f"{directive.name} takes one number, found {directive.raw_args!r}",
            "keep one value per line; httpd only reads '#' comments on their own line",
        )


@dataclasses.dataclass(frozen=True)
class _Codes:
    max_thread_limit: int
    server_limit_high: str
    server_limit_low: str
    thread_limit_high: str
    thread_limit_low: str
    threads_high: str
    threads_low: str
    workers_below_threads: str
    workers_not_multiple: str
    workers_above_server_limit: str
    start_servers_low: str
    min_spare_low: str


def _codes(max_thread_limit: int, numbers: tuple[int, ...]) -> _Codes:
    return _Codes(max_thread_limit, *(f"AH{number:05d}" for number in numbers))


# MAX_THREAD_LIMIT and the AH codes of each check, in the order httpd checks.
_CODES = {
    "event": _codes(100000, (497, 499, 502, 504, 507, 509, 511, 513, 515, 517, 519)),
    "worker": _codes(20000, (300, 302, 305, 307, 310, 312, 314, 316, 318, 320, 322)),
}
MAX_SERVER_LIMIT_THREADED = 20000
MAX_SERVER_LIMIT_PREFORK = 200000


class _Builder:
    """Start each value from its default, then apply the config's last setting."""

    def __init__(self, configured: dict[str, list[Directive]], settings: MpmSettings):
        self.configured = configured
        self.settings = settings

    def start(self, name: str, default: int) -> MpmValue:
        value = MpmValue(name=name, effective=default)
        directives = self.configured.get(name, [])
        if directives:
            winner = directives[-1]
            text = winner.args[0]
            value.configured = atoi(text)
            value.configured_text = text
            value.configured_at = winner.at
            value.overridden_at = [d.at for d in directives[:-1]]
            value.effective = value.configured
            if not is_clean_int(text):
                self.settings.problems.append(
                    f"{winner.at}: {name} {text!r} is read by httpd's atoi() as "
                    f"{value.configured}"
                )
        self.settings.values[name] = value
        return value


def _clamp(value: MpmValue, low: int, high: int | None, codes: tuple[str, str]) -> None:
    if high is not None and value.effective > high:
        value.adjustments.append(
            f"{codes[0]}: {value.name} {value.effective} is above the compiled-in "
            f"limit {high}; httpd lowers it to {high}"
        )
        value.effective = high
    elif value.effective < low:
        value.adjustments.append(
            f"{codes[1]}: {value.name} {value.effective} is not allowed; httpd "
            f"raises it to {low}"
        )
        value.effective = low


def _derive_threaded(
    configured: dict[str, list[Directive]],
    settings: MpmSettings,
    codes: _Codes,
) -> None:
    build = _Builder(configured, settings)
    server_limit = build.start("ServerLimit", 16)
    thread_limit = build.start("ThreadLimit", 64)
    threads = build.start("ThreadsPerChild", 25)
    # pre_config computes the default from the default ServerLimit and
    # ThreadsPerChild, so setting only ThreadsPerChild does not rescale it.
    workers = build.start("MaxRequestWorkers", 16 * 25)
    start = build.start("StartServers", 3)
    min_spare = build.start("MinSpareThreads", 3 * 25)
    max_spare = build.start("MaxSpareThreads", 10 * 25)
    build.start("MaxConnectionsPerChild", 0)

    _clamp(
        server_limit,
        1,
        MAX_SERVER_LIMIT_THREADED,
        (codes.server_limit_high, codes.server_limit_low),
    )
    _clamp(
        thread_limit,
        1,
        codes.max_thread_limit,
        (codes.thread_limit_high, codes.thread_limit_low),
    )
    _cap_threads(threads, thread_limit.effective, codes)
    children = _fit_workers(workers, threads.effective, server_limit.effective, codes)
    _clamp(start, 1, None, ("", codes.start_servers_low))
    _clamp(min_spare, 1, None, ("", codes.min_spare_low))
    _at_run_time(start, children, min_spare, max_spare, threads.effective)


def _cap_threads(threads: MpmValue, thread_limit: int, codes: _Codes) -> None:
    if threads.effective > thread_limit:
        threads.adjustments.append(
            f"{codes.threads_high}: ThreadsPerChild {threads.effective} exceeds "
            f"ThreadLimit {thread_limit}; httpd lowers it to {thread_limit}"
        )
        threads.effective = thread_limit
    elif threads.effective < 1:
        threads.adjustments.append(
            f"{codes.threads_low}: ThreadsPerChild {threads.effective} is not "
            "allowed; httpd raises it to 1"
        )
        threads.effective = 1


def _fit_workers(
    workers: MpmValue,
    threads: int,
    server_limit: int,
    codes: _Codes,
) -> int:
    """Apply httpd's three MaxRequestWorkers rules; return the child process limit."""
    if workers.effective < threads:
        workers.adjustments.append(
            f"{codes.workers_below_threads}: MaxRequestWorkers {workers.effective} "
            f"is below ThreadsPerChild {threads}; httpd raises it to {threads}"
        )
        workers.effective = threads
    children = workers.effective // threads
    if workers.effective % threads:
        rounded = children * threads
        workers.adjustments.append(
            f"{codes.workers_not_multiple}: MaxRequestWorkers {workers.effective} "
            f"is not a multiple of ThreadsPerChild {threads}; httpd rounds it down "
            f"to {rounded} ({children} child processes)"
        )
        workers.effective = rounded
    if children > server_limit:
        capped = server_limit * threads
        workers.adjustments.append(
            f"{codes.workers_above_server_limit}: MaxRequestWorkers "
            f"{workers.effective} needs {children} child processes but ServerLimit "
            f"is {server_limit}; httpd lowers it to {capped}"
        )
        workers.effective = capped
        children = server_limit
    return children


def _at_run_time(
    start: MpmValue,
    children: int,
    min_spare: MpmValue,
    max_spare: MpmValue,
    threads: int,
) -> None:
    # NOTE: assumes one listener bucket, the default (ListenCoresBucketsRatio 0);
    # more buckets raise these floors further.
    if start.effective > children:
        start.adjustments.append(
            f"httpd starts at most {children} child processes "
            f"(MaxRequestWorkers / ThreadsPerChild), not {start.effective}"
        )
        start.effective = children
    floor = min_spare.effective + threads + 1
    if max_spare.effective < floor:
        max_spare.adjustments.append(
            f"MaxSpareThreads {max_spare.effective} is below MinSpareThreads + "
            f"ThreadsPerChild + 1; httpd raises it to {floor} when it starts children"
        )
        max_spare.effective = floor


def _derive_prefork(
    configured: dict[str, list[Directive]], settings: MpmSettings
) -> None:
    build = _Builder(configured, settings)
    server_limit = build.start("ServerLimit", 256)
    workers = build.start("MaxRequestWorkers", 256)
    start = build.start("StartServers", 5)
    min_spare = build.start("MinSpareServers", 5)
    max_spare = build.start("MaxSpareServers", 10)
    build.start("MaxConnectionsPerChild", 0)

    # NOTE: MAX_SERVER_LIMIT for prefork is taken as 200000 from httpd 2.4's
    # prefork.c; no test exercises it.
    _clamp(server_limit, 1, MAX_SERVER_LIMIT_PREFORK, ("AH00175", "AH00177"))
    if workers.effective > server_limit.effective:
        workers.adjustments.append(
            f"AH00180: MaxRequestWorkers {workers.effective} exceeds ServerLimit "
            f"{server_limit.effective}; httpd lowers it to {server_limit.effective}"
        )
        workers.effective = server_limit.effective
    _clamp(workers, 1, None, ("", "AH00182"))
    _clamp(start, 1, None, ("", "AH00184"))
    _clamp(min_spare, 1, None, ("", "AH00186"))
    if start.effective > workers.effective:
        start.adjustments.append(
            f"httpd starts at most {workers.effective} child processes "
            f"(MaxRequestWorkers), not {start.effective}"
        )
        start.effective = workers.effective
    if max_spare.effective < min_spare.effective + 1:
        floor = min_spare.effective + 1
        max_spare.adjustments.append(
            f"MaxSpareServers {max_spare.effective} is not above MinSpareServers; "
            f"httpd raises it to {floor} when it starts children"
        )
        max_spare.effective = floor
