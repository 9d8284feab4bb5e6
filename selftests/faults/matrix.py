"""The fault matrix: for each lab fault, the checks that must fail and their messages.

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

# The one reason every SSH check of a node gives when sshd there is stopped.
REFUSED = "connection refused"


@dataclasses.dataclass(frozen=True)
class Fault:
    """The failures the suite must report while one fault is active."""

    failing: dict[str, str]
    # True when only the burst probe can reveal the fault, so its run must send it.
    burst: bool = False
    # Checks whose outcome is not asserted, each with the reason. A check listed
    # here that fails must still word its message as every failure does.
    unasserted: dict[str, str] = dataclasses.field(default_factory=dict)


# Every check that reads the backend over SSH.
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

# Every check that talks HTTPS to the backend and verifies its certificate.
BACKEND_OVER_HTTPS = (
    "health:/api/v1/health/ping",
    "health:/api/v1/health/live",
    "health:/api/v1/health/ready",
    "health:/api/v1/health/celery",
    "latency:/api/v1/health/ping",
    "latency:/api/v1/health/live",
    "latency:/api/v1/health/ready",
    "latency:/api/v1/health/celery",
    "route:/api/v1/environments/favorites",
    "route:/api/v1/environments/favorites/toggle",
    "route:/api/v1/favourites",
    "sse:auth-required",
    "sse:first-event",
    "tls:handshake",
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
            "celery:running-nodes": 'observed ["w1"]',
            "health:/api/v1/health/celery": "online_workers: expected >= 2, got 1",
        }
    ),
    "celery-stopped": Fault(
        {
            "service:celery": "observed celery: inactive",
            "celery:running-nodes": "observed []",
            "health:/api/v1/health/celery": "online_workers: expected >= 2, got 0",
        }
    ),
    "cert-near-expiry": Fault({"tls:days-to-expiry": "observed 3.0 days"}),
    # The certificate keeps its names and validity, so tls:name and
    # tls:days-to-expiry still pass; every verifying client is rejected.
    "cert-untrusted": Fault(
        {
            **dict.fromkeys(BACKEND_OVER_HTTPS, "CERTIFICATE_VERIFY_FAILED"),
            # The latency checks count client errors by kind, without their text.
            "latency:/api/v1/health/ping": "certificate verify failed",
            "latency:/api/v1/health/live": "certificate verify failed",
            "latency:/api/v1/health/ready": "certificate verify failed",
            "latency:/api/v1/health/celery": "certificate verify failed",
            "sse:auth-required": "no response without a cookie: tls",
            "tls:handshake": "verified: False (verify_failed: self-signed",
        }
    ),
    "httpd-conf-broken": Fault(
        {
            "apache:syntax": "Invalid command 'KeepAliveTimout'",
            # Both read `httpd -M`, which parses the broken file on disk too, so
            # they report the module list as unreadable.
            "apache:loaded-mpm": "not read: /usr/sbin/httpd -M failed",
            "apache:module:wsgi_module": "not read: /usr/sbin/httpd -M failed",
        }
    ),
    "legacy-favourites": Fault({"route:/api/v1/favourites": "observed 401"}),
    "mpm-drift-worker-block": Fault(
        {"apache:worker:MaxRequestWorkers": "observed 100 (configured 100"}
    ),
    "ping-hang": Fault(
        {
            "health:/api/v1/health/ping": "read_timeout",
            "latency:/api/v1/health/ping": "read_timeout",
        }
    ),
    "postgresql-down": Fault(
        {
            "dependency:postgresql": "/dev/tcp/127.0.10.31/5432: Connection refused",
            "health:/api/v1/health/ready": "port 5432 failed: Connection refused",
        }
    ),
    "queue-no-consumers": Fault(
        {"health:/api/v1/health/celery": "consumers: expected 2, got 0"}
    ),
    "rabbitmq-down": Fault(
        {
            "dependency:rabbitmq": "/dev/tcp/127.0.10.33/5672: Connection refused",
            "health:/api/v1/health/ready": '"rabbitmq": {"error": "ConnectionRefused',
            "health:/api/v1/health/celery": "broker unreachable",
        }
    ),
    "redis-down": Fault(
        {
            "dependency:redis": "/dev/tcp/127.0.10.32/6379: Connection refused",
            "health:/api/v1/health/ready": "connecting to 127.0.10.32:6379",
        }
    ),
    # The port still accepts connections, so the TCP check from the backend passes;
    # /ready waits out its 2 s Redis timeout on every request.
    "redis-frozen": Fault(
        {
            "health:/api/v1/health/ready": "Timeout reading from 127.0.10.32:6379",
            "latency:/api/v1/health/ready": '"p95_ms": 20',
        }
    ),
    "slow-ping": Fault({"latency:/api/v1/health/ping": '"p95_ms": 20'}),
    "sse-no-auth": Fault({"sse:auth-required": "observed 200"}),
    "ssh-down-backend": Fault(dict.fromkeys(BACKEND_OVER_SSH, REFUSED)),
    "ssh-down-frontend": Fault(dict.fromkeys(FRONTEND_OVER_SSH, REFUSED)),
    "threads-per-child-drift": Fault(
        {
            "apache:event:ThreadsPerChild": "observed 20 (configured 20",
            "apache:event:MaxRequestWorkers": "observed 140 (configured 150",
        }
    ),
    "worker-pressure": Fault(
        {
            "apache:event:MaxRequestWorkers": "observed 4 (configured 4",
            "apache:event:ThreadsPerChild": "observed 2 (configured 2",
            "capacity:bounding-stage": "observed 4 (Apache",
            "capacity:burst": "error rate",
            # The fault slows ping to 300 ms so the 4 threads stay busy in a burst.
            "latency:/api/v1/health/ping": "expected p95 <= 250 ms",
            # AH10159 or AH00484, whichever Apache's once-a-second check logs first.
            "capacity:pressure-log": "consider raising the MaxRequestWorkers setting",
        },
        burst=True,
    ),
    "wsgi-processes-low": Fault(
        {
            "wsgi:processes": "observed 2 (set at",
            "wsgi:live-processes": "observed 2 (ps",
            "capacity:bounding-stage": "observed 30 (mod_wsgi",
        }
    ),
}

# Faults injected together in one suite run, to keep the matrix within CI's time.
# Faults in a run expect disjoint checks and touch different files and services:
# two httpd.conf faults never share a run, because healing the first restores
# the file and the second then skips its restart. httpd-conf-broken comes after
# wsgi-processes-low, whose reload would fail on the broken file.
RUNS: tuple[tuple[str, ...], ...] = (
    ("ssh-down-backend", "slow-ping", "cert-near-expiry"),
    ("postgresql-down", "celery-stopped", "legacy-favourites"),
    ("redis-down", "celery-node-down", "threads-per-child-drift", "sse-no-auth"),
    ("rabbitmq-down", "wsgi-processes-low", "httpd-conf-broken"),
    ("queue-no-consumers", "redis-frozen", "ping-hang"),
    (
        "cert-untrusted",
        "mpm-drift-worker-block",
        "backups-missing",
        "ssh-down-frontend",
    ),
    ("worker-pressure",),
)
