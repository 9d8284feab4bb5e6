"""The fault matrix: for each lab fault, the checks that must fail and what they say.

Each entry maps a check id to a piece of text its failure message must contain: the
observed value that proves the check saw the fault itself, not some other breakage.
A check that is not listed must pass (or be skipped, as the deep checks are).
test_matrix.py injects each fault, runs the suite and compares the failures with
this table, both ways.

Messages read `ID: expected X, observed Y (where)` then `Runbook N Title. First step
...`, so the text to match is usually part of Y.
"""

from __future__ import annotations

import dataclasses

# Every check that reads the backend over SSH; with sshd down there, each of them
# fails with the same one reason.
REFUSED = "connection refused"


@dataclasses.dataclass(frozen=True)
class Fault:
    """What the suite must report while one fault is active."""

    failing: dict[str, str]
    # True when only the burst probe can reveal the fault, so its run must send it.
    burst: bool = False


BACKEND_OVER_SSH = (
    "apache:event:MaxRequestWorkers",
    "apache:event:ThreadsPerChild",
    "apache:worker:MaxRequestWorkers",
    "apache:worker:ThreadsPerChild",
    "apache:loaded-mpm",
    "apache:module:wsgi_module",
    "apache:syntax",
    "wsgi:processes",
    "wsgi:threads",
    "wsgi:serving-group",
    "wsgi:live-processes",
    "celery:nodes",
    "celery:time-limit",
    "celery:concurrency",
    "celery:running-nodes",
    "service:httpd",
    "service:celery",
    "dependency:postgresql",
    "dependency:redis",
    "dependency:rabbitmq",
    "backup:/etc/httpd/conf/httpd.conf",
    "backup:/etc/httpd/conf.d/wsgi.conf",
    "backup:/etc/conf.d/celery",
    "capacity:bounding-stage",
    "capacity:memory-headroom",
)

FRONTEND_OVER_SSH = (
    "frontend:access-user",
    "frontend:service:nginx",
    "frontend:pm2-app",
    "frontend:app-listening",
)

MATRIX: dict[str, Fault] = {
    "backups-missing": Fault(
        {
            "backup:/etc/httpd/conf/httpd.conf": "observed no backup",
            "backup:/etc/httpd/conf.d/wsgi.conf": "observed no backup",
            "backup:/etc/conf.d/celery": "observed no backup",
        }
    ),
    "celery-node-down": Fault(
        {
            "celery:running-nodes": "w1",
            "health:/api/v1/health/celery": "online_workers",
        }
    ),
    "celery-stopped": Fault(
        {
            "service:celery": "inactive",
            "celery:running-nodes": "observed",
            "health:/api/v1/health/celery": "online_workers",
        }
    ),
    "cert-near-expiry": Fault({"tls:days-to-expiry": "observed 2."}),
    "httpd-conf-broken": Fault({"apache:syntax": "KeepAliveTimout"}),
    "legacy-favourites": Fault({"route:/api/v1/favourites": "observed 401"}),
    "mpm-drift-worker-block": Fault(
        {"apache:worker:MaxRequestWorkers": "observed 100"}
    ),
    "postgresql-down": Fault(
        {
            "dependency:postgresql": "127.0.10.31:5432",
            "health:/api/v1/health/ready": "postgresql",
        }
    ),
    "queue-no-consumers": Fault(
        {"health:/api/v1/health/celery": "consumers: expected 2, got 0"}
    ),
    "rabbitmq-down": Fault(
        {
            "dependency:rabbitmq": "127.0.10.33:5672",
            "health:/api/v1/health/ready": "rabbitmq",
            "health:/api/v1/health/celery": "online_workers",
        }
    ),
    "redis-down": Fault(
        {
            "dependency:redis": "127.0.10.32:6379",
            "health:/api/v1/health/ready": "redis",
        }
    ),
    "redis-frozen": Fault({"health:/api/v1/health/ready": "redis"}),
    "slow-ping": Fault({"latency:/api/v1/health/ping": "p95_ms"}),
    "sse-no-auth": Fault({"sse:auth-required": "observed 200"}),
    "ssh-down-backend": Fault(dict.fromkeys(BACKEND_OVER_SSH, REFUSED)),
    "ssh-down-frontend": Fault(dict.fromkeys(FRONTEND_OVER_SSH, REFUSED)),
    "threads-per-child-drift": Fault(
        {
            "apache:event:ThreadsPerChild": "observed 20",
            "apache:event:MaxRequestWorkers": "observed 140",
        }
    ),
    "worker-pressure": Fault(
        {
            "apache:event:MaxRequestWorkers": "observed 4",
            "apache:event:ThreadsPerChild": "observed 2",
            "capacity:bounding-stage": "observed 4",
            "capacity:pressure-log": "AH",
        },
        burst=True,
    ),
    "wsgi-processes-low": Fault(
        {
            "wsgi:processes": "observed 2",
            "wsgi:live-processes": "observed 2",
            "capacity:bounding-stage": "observed 30",
        }
    ),
}

# Faults injected together in one suite run, to keep the matrix within CI's time.
RUNS: tuple[tuple[str, ...], ...] = tuple((name,) for name in MATRIX)
