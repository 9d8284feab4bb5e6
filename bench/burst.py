#!/usr/bin/env python3
"""Benchmark the burst probe against a local server this script starts itself.

The server runs in a child process on 127.0.0.1 (an ephemeral port), so the
probe's figures and its peak memory are not mixed with the server's. Every run is
bounded by the probe's own caps and deadline, and the server is stopped by its
PID when the run ends.

    .venv/bin/python bench/burst.py --concurrency 20 --requests 2000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from conformance.probes.burst import BurstCaps, BurstPlan, run_burst
from conformance.probes.client import ClientSettings

CAPS = BurstCaps(concurrency=200, requests=20_000, max_duration_s=60)
PING_BODY = b'{"status": "ok"}'


def main() -> int:
    args = parse_args()
    if args.serve:
        serve(args.delay_ms)
        return 0
    return bench(args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--concurrency", type=int, default=20, help="requests in flight"
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests in total")
    parser.add_argument(
        "--max-duration-s", type=float, default=30.0, help="hard deadline in seconds"
    )
    parser.add_argument(
        "--delay-ms", type=float, default=0.0, help="server time per request in ms"
    )
    parser.add_argument(
        "--no-keepalive", action="store_true", help="open a connection per request"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def bench(args: argparse.Namespace) -> int:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--delay-ms", str(args.delay_ms)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(server.stdout.readline())
        plan = BurstPlan(
            path="/api/v1/health/ping",
            concurrency=args.concurrency,
            requests=args.requests,
            max_duration_s=args.max_duration_s,
            keepalive=not args.no_keepalive,
        )
        settings = ClientSettings(
            f"http://127.0.0.1:{port}", connect_timeout_s=3, read_timeout_s=10
        )
        result = run_burst(settings, plan, CAPS)
    finally:
        server.terminate()
        server.wait(timeout=10)
    figures = result.to_dict()
    figures["probe_peak_rss_mib"] = round(peak_rss_mib(), 1)
    figures["python"] = sys.version.split()[0]
    # Other work on the machine slows both the probe and the server, so the load
    # average is printed to make two runs comparable.
    figures["load_average_1m"] = round(os.getloadavg()[0], 2)
    figures["cpus"] = os.cpu_count()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_figures(figures, args)
    return 0


def print_figures(figures: dict, args: argparse.Namespace) -> None:
    latency = figures["latency_ms"]
    print(
        f"plan: {args.concurrency} concurrent, {args.requests} requests, "
        f"server delay {args.delay_ms:g} ms, keepalive {not args.no_keepalive}"
    )
    print(
        f"sent {figures['requests_sent']}, completed {figures['requests_completed']}, "
        f"cancelled {figures['requests_cancelled']}, "
        f"client errors {figures['client_errors'] or 'none'}, "
        f"server errors {figures['server_errors']}"
    )
    print(
        f"duration {figures['duration_s']} s, {figures['requests_per_s']} requests/s, "
        f"achieved concurrency {figures['achieved_concurrency']}"
    )
    ladder = ", ".join(
        f"{name} {latency[name]}" for name in ("min", "p50", "p90", "p95", "p99", "max")
    )
    print(f"latency ms: {ladder}")
    print(f"probe peak RSS {figures['probe_peak_rss_mib']} MiB")
    print(
        f"machine: {figures['cpus']} CPUs, load average {figures['load_average_1m']} "
        f"(1 min), Python {figures['python']}"
    )
    print(f"stopped early: {figures['stopped_early'] or 'no'}")


def peak_rss_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _PingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes. With Nagle's algorithm the second
    # write waits for the client's delayed ACK, about 40 ms on Linux.
    disable_nagle_algorithm = True
    delay_s = 0.0

    def do_GET(self) -> None:
        if self.delay_s:
            time.sleep(self.delay_s)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(PING_BODY)))
        self.end_headers()
        self.wfile.write(PING_BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512


def serve(delay_ms: float) -> None:
    _PingHandler.delay_s = delay_ms / 1000
    server = _Server(("127.0.0.1", 0), _PingHandler)
    print(server.server_address[1], flush=True)
    # The parent terminates this process when its burst ends; the timeout stops
    # it too if the parent dies first.
    deadline = time.monotonic() + CAPS.max_duration_s + 30
    server.timeout = 0.5
    while time.monotonic() < deadline:
        server.handle_request()


if __name__ == "__main__":
    sys.exit(main())
