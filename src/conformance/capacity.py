"""Capacity arithmetic from observed config: how many requests and jobs run at once.

A request to the application occupies an Apache worker (a thread under the event
and worker MPMs, a process under prefork) until mod_wsgi responds, and mod_wsgi
serves at most processes x threads requests of one daemon group at once. A
request beyond that waits in the daemon socket's listen queue while still
occupying its Apache worker. So the number of application requests served at
once is the smaller of the two. The event MPM can keep more connections open than it
has workers (AsyncRequestWorkerFactor), but only idle keep-alive connections, so
the connection count does not raise the request bound.

Celery workers take jobs from RabbitMQ, not HTTP requests. Their concurrency
bounds background jobs, so it is reported beside the request bound, not in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from conformance.errors import ConfigParseError

if TYPE_CHECKING:
    from conformance.apache.mpm import MpmSettings
    from conformance.celery.multi import CeleryNode
    from conformance.wsgi import DaemonGroup


@dataclass(frozen=True)
class Slots:
    """How many requests one layer serves at once, and the arithmetic behind it."""

    layer: str
    slots: int
    formula: str
    where: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "slots": self.slots,
            "formula": self.formula,
            "where": self.where,
        }


@dataclass(frozen=True)
class CeleryCapacity:
    """Jobs each Celery node runs at once, and the total."""

    per_node: dict[str, int]
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.per_node.values())

    def to_dict(self) -> dict[str, Any]:
        return {"per_node": self.per_node, "total": self.total, "sources": self.sources}


@dataclass(frozen=True)
class CapacityReport:
    apache: Slots
    wsgi: Slots
    celery: CeleryCapacity

    @property
    def request_bound(self) -> Slots:
        """The layer that limits concurrent application requests (mod_wsgi on a tie)."""
        return self.apache if self.apache.slots < self.wsgi.slots else self.wsgi

    def explanation(self) -> str:
        bound = self.request_bound
        lines = [
            f"{self.apache.layer} serves {self.apache.slots} requests at once: "
            f"{self.apache.formula}.",
            f"{self.wsgi.layer} serves {self.wsgi.slots} requests at once: "
            f"{self.wsgi.formula}.",
            f"Concurrent application requests are bounded by {bound.layer} at "
            f"{bound.slots}.",
        ]
        if self.wsgi.slots < self.apache.slots:
            lines.append(
                f"Requests beyond {self.wsgi.slots} wait in the mod_wsgi listen "
                "queue, each occupying an Apache worker."
            )
        lines.append(self._celery_sentence())
        return " ".join(lines)

    def burst_outlook(self, concurrency: int) -> str:
        """Say what a burst of `concurrency` simultaneous requests should meet."""
        bound = self.request_bound
        if concurrency <= bound.slots:
            return (
                f"A burst of {concurrency} concurrent requests fits within the "
                f"{bound.slots} slots of {bound.layer}."
            )
        parts = [
            f"A burst of {concurrency} concurrent requests exceeds the "
            f"{bound.slots} slots of {bound.layer} by {concurrency - bound.slots}, "
            "so the excess queues and latency grows."
        ]
        if concurrency > self.apache.slots:
            parts.append(
                f"It also exceeds Apache's {self.apache.slots} workers, so Apache "
                "should log its MaxRequestWorkers warnings (AH10159, AH00484)."
            )
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "apache": self.apache.to_dict(),
            "wsgi": self.wsgi.to_dict(),
            "celery": self.celery.to_dict(),
            "request_bound": self.request_bound.layer,
            "request_slots": self.request_bound.slots,
            "explanation": self.explanation(),
        }

    def _celery_sentence(self) -> str:
        nodes = ", ".join(f"{n} {c}" for n, c in self.celery.per_node.items())
        return (
            f"Celery runs {self.celery.total} jobs at once ({nodes or 'no nodes'}); "
            "that bounds background jobs, not HTTP requests."
        )


def apache_slots(mpm: str, max_request_workers: int, *, where: str | None) -> Slots:
    """Return Apache's request slots from its effective MaxRequestWorkers."""
    unit = "processes, one request each" if mpm == "prefork" else "threads"
    return Slots(
        layer=f"Apache ({mpm} MPM)",
        slots=max_request_workers,
        formula=f"MaxRequestWorkers {max_request_workers} ({unit})",
        where=where,
    )


def wsgi_slots(group: str, processes: int, threads: int, *, where: str | None) -> Slots:
    """Return the request slots of one mod_wsgi daemon group."""
    return Slots(
        layer=f"mod_wsgi daemon group {group!r}",
        slots=processes * threads,
        formula=f"processes={processes} x threads={threads}",
        where=where,
    )


def celery_capacity(
    nodes: Mapping[str, int | None],
    *,
    cpu_count: int | None,
    sources: Mapping[str, str] | None = None,
) -> CeleryCapacity:
    """Return each node's concurrency; a node without one gets the CPU count.

    `celery worker` defaults --concurrency to the number of CPUs of its host.
    """
    per_node: dict[str, int] = {}
    notes = dict(sources or {})
    for name, concurrency in nodes.items():
        if concurrency is not None:
            per_node[name] = concurrency
            continue
        if cpu_count is None:
            raise ConfigParseError(
                f"Celery node {name!r} sets no --concurrency, so it runs one process "
                "per CPU, and the CPU count of its host is unknown: pass cpu_count "
                "(nproc on the host) or set --concurrency in CELERYD_OPTS"
            )
        per_node[name] = cpu_count
        notes[name] = f"default: {cpu_count} CPUs"
    return CeleryCapacity(per_node=per_node, sources=notes)


def capacity_from_config(
    mpm: MpmSettings,
    groups: Iterable[DaemonGroup],
    nodes: Iterable[CeleryNode],
    *,
    cpu_count: int | None = None,
) -> CapacityReport:
    """Build the capacity report from the parsed Apache, mod_wsgi and Celery config.

    `groups` are the daemon groups that serve the application; several groups
    serving it add up.
    """
    max_workers = mpm["MaxRequestWorkers"]
    apache = apache_slots(
        mpm.mpm, max_workers.effective, where=max_workers.configured_at
    )
    return CapacityReport(
        apache=apache,
        wsgi=_wsgi_from_groups(list(groups)),
        celery=_celery_from_nodes(list(nodes), cpu_count),
    )


def _wsgi_from_groups(groups: list[DaemonGroup]) -> Slots:
    if not groups:
        raise ConfigParseError(
            "no WSGIDaemonProcess group serves the application, so mod_wsgi "
            "capacity is unknown: check WSGIProcessGroup and WSGIScriptAlias in "
            "the mod_wsgi config"
        )
    if len(groups) == 1:
        group = groups[0]
        return wsgi_slots(group.name, group.processes, group.threads, where=group.at)
    total = sum(group.processes * group.threads for group in groups)
    formula = " + ".join(f"{g.processes} x {g.threads} ({g.name})" for g in groups)
    return Slots(
        layer="mod_wsgi daemon groups",
        slots=total,
        formula=formula,
        where=", ".join(group.at for group in groups),
    )


def _celery_from_nodes(
    nodes: list[CeleryNode], cpu_count: int | None
) -> CeleryCapacity:
    concurrency: dict[str, int | None] = {}
    sources: dict[str, str] = {}
    for node in nodes:
        option = node.effective().get("--concurrency")
        if option is None or option.value is None:
            concurrency[node.name] = None
            continue
        try:
            concurrency[node.name] = int(option.value)
        except ValueError:
            raise ConfigParseError(
                f"Celery node {node.name!r} has --concurrency {option.value!r} "
                f"({option.origin}), which is not a whole number: set "
                "--concurrency=N in CELERYD_OPTS"
            ) from None
        sources[node.name] = option.origin
    return celery_capacity(concurrency, cpu_count=cpu_count, sources=sources)
