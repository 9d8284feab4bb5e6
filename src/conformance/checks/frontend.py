"""Checks of the frontend node: access user, nginx, the PM2 app, and the URL."""

from __future__ import annotations

import json
from typing import Any

import httpx

from conformance.checks.common import command, reachable
from conformance.checks.host import unit_active
from conformance.hosts.facts import HostFacts
from conformance.verdict import Case, NotObserved, Observation


def observe(facts: HostFacts, suite: Any, case: Case) -> Observation:
    kind = case.check_id.split(":")[1]
    if kind == "access-user":
        return access_user(facts)
    if kind == "service":
        return unit_active(facts, case.params["unit"])
    if kind == "pm2-app":
        return pm2_online(facts, case.params["app"])
    if kind == "app-listening":
        return listening(facts, case.params["port"])
    return frontend_url(suite)


def access_user(facts: HostFacts) -> Observation:
    identity = reachable(facts).identity
    return Observation(
        ok=identity == facts.user,
        expected=f"logged in as {facts.user}",
        observed=f"logged in as {identity or 'nobody'}",
        where=f"id -un over ssh {facts.user}@{facts.address}",
    )


def pm2_processes(facts: HostFacts) -> list[dict[str, Any]]:
    result = command(facts, "pm2")
    if result.exit_status != 0:
        raise NotObserved(
            f"pm2 jlist failed with exit status {result.exit_status}: "
            f"{result.output.strip()[-200:] or 'no output'}; check that PM2 runs "
            f"as {facts.user} (systemctl status pm2-{facts.user})",
            where=f"pm2 jlist on {facts.address}",
        )
    try:
        listed = json.loads(result.output.strip() or "[]")
    except json.JSONDecodeError as error:
        raise NotObserved(
            f"pm2 jlist printed no JSON ({error.msg} at char {error.pos})",
            where=f"pm2 jlist on {facts.address}",
        ) from None
    return listed if isinstance(listed, list) else []


def pm2_online(facts: HostFacts, app: str) -> Observation:
    apps = {
        p.get("name"): p.get("pm2_env", {}).get("status") for p in pm2_processes(facts)
    }
    return Observation(
        ok=apps.get(app) == "online",
        expected=f"PM2 app {app!r} online",
        observed=f"PM2 app {app!r} {apps.get(app) or 'not listed'}"
        + (f" (listed: {sorted(apps)})" if app not in apps else ""),
        where=f"pm2 jlist as {facts.user} on {facts.address}",
    )


def listening(facts: HostFacts, port: int) -> Observation:
    result = command(facts, "listening")
    local = [
        line.split()[3] for line in result.output.splitlines() if len(line.split()) > 3
    ]
    matches = [address for address in local if address.rsplit(":", 1)[-1] == str(port)]
    return Observation(
        ok=bool(matches),
        expected=f"a socket listening on port {port}",
        observed=", ".join(matches) or "nothing listening on that port",
        where=f"ss -ltn on {facts.address}",
    )


def frontend_url(suite: Any) -> Observation:
    url = suite.environment.frontend_url
    try:
        with suite.http_client(url) as client:
            response = client.get("/")
    except httpx.HTTPError as error:
        raise NotObserved(
            f"GET {url}/ failed: {type(error).__name__}: {error}", where=url
        ) from None
    server = response.headers.get("server", "no Server header")
    return Observation(
        ok=response.status_code == 200,
        expected="200 from the frontend URL",
        observed=f"{response.status_code} (Server: {server})",
        where=f"GET {url}/",
    )
