"""Reject targets outside the environment's allowed networks, before connecting.

API:

- `ensure_allowed(target, environment, *, resolve_timeout_s=5.0) -> tuple[str, ...]`
  accepts an IP address, a host name, `host:port`, `user@host` or a URL. An address
  is checked as it is. A name is resolved with getaddrinfo at the time of the call,
  never at import or collection, and every address it resolves to must be allowed.
  Returns the checked addresses, so a caller can connect to exactly those. Raises
  TargetRejected naming the target, the address, the environment, its allowed
  networks and what to change.
- `guard_connections(environment)`: a context manager. While it is active, every
  IPv4 or IPv6 `connect`, `sendto` and `sendmsg` made by Python code in this process
  (httpx, paramiko, plain sockets) is checked first, through an audit hook, and a
  rejected one raises TargetRejected before the socket sends anything.

`environment` is any object with `name`, `allowed_networks` (ipaddress networks) and,
optionally, `where(key)` returning the file and line of its allowed networks.
"""

import contextlib
import ipaddress
import logging
import queue
import socket
import sys
import threading
from collections.abc import Iterator
from typing import Protocol
from urllib.parse import urlsplit

from conformance.errors import TargetRejected

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_GUARDED_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg"}
_INET_FAMILIES = {socket.AF_INET, socket.AF_INET6}


class GuardedEnvironment(Protocol):
    name: str
    allowed_networks: tuple


def ensure_allowed(
    target: object,
    environment: GuardedEnvironment,
    *,
    resolve_timeout_s: float = 5.0,
) -> tuple[str, ...]:
    """Raise TargetRejected unless every address of `target` is allowed."""
    host = target_host(target)
    if not host:
        raise TargetRejected(
            f"target {target!r} has no host; give an IP address, a host name or a URL"
        )
    literal = _parse_ip(host)
    if literal is not None:
        addresses = (literal,)
    else:
        addresses = _resolve(host, target, environment, resolve_timeout_s)
    for address in addresses:
        if not _allowed(address, environment):
            raise _rejected(target, address, environment, resolved=literal is None)
    log.debug("target %r allowed in %s: %s", target, environment.name, addresses)
    return tuple(str(address) for address in addresses)


def target_host(target: object) -> str:
    """Return the host part of an address, `host:port`, `user@host` or URL."""
    if isinstance(target, tuple) and target:
        target = target[0]
    text = str(target).strip()
    if "://" in text:
        host = urlsplit(text).hostname
        if not host:
            raise TargetRejected(
                f"target {text!r} has no host; give a URL such as https://127.0.10.10"
            )
        return host
    text = text.rpartition("@")[2]
    if text.startswith("["):
        return text[1:].partition("]")[0]
    if text.count(":") == 1:
        return text.partition(":")[0]
    return text


@contextlib.contextmanager
def guard_connections(environment: GuardedEnvironment) -> Iterator[None]:
    """Check every outgoing IPv4/IPv6 connection in this process while active."""
    global _active
    _install_hook()
    previous = _active
    _active = environment
    try:
        yield
    finally:
        _active = previous


_active: GuardedEnvironment | None = None
_hook_lock = threading.Lock()
_hook_installed = False


def _install_hook() -> None:
    # Audit hooks cannot be removed, so one hook is installed for the life of the
    # process and does nothing while no guard is active.
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


def _audit(event: str, args: tuple) -> None:
    environment = _active
    if environment is None or event not in _GUARDED_EVENTS:
        return
    sock, address = args[0], args[1]
    if getattr(sock, "family", None) not in _INET_FAMILIES or address is None:
        return
    ensure_allowed(address, environment)


def _parse_ip(host: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(host.partition("%")[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _allowed(address: IPAddress, environment: GuardedEnvironment) -> bool:
    return any(address in network for network in environment.allowed_networks)


def _resolve(
    host: str,
    target: object,
    environment: GuardedEnvironment,
    timeout_s: float,
) -> tuple[IPAddress, ...]:
    results: queue.Queue = queue.Queue(maxsize=1)

    def lookup() -> None:
        try:
            results.put(socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP))
        except (OSError, UnicodeError) as error:
            results.put(error)

    # getaddrinfo has no timeout of its own; a daemon thread keeps a hung
    # resolver from holding the suite or its exit.
    threading.Thread(target=lookup, name=f"resolve {host}", daemon=True).start()
    try:
        outcome = results.get(timeout=timeout_s)
    except queue.Empty:
        outcome = TimeoutError(f"timed out after {timeout_s} s")
    if isinstance(outcome, Exception):
        raise TargetRejected(
            f"target {target!r} in environment {environment.name!r}: host name "
            f"{host!r} cannot be resolved ({outcome}), so its addresses cannot be "
            "checked against the allowed networks; use an IP address or a name "
            "the resolver knows"
        )
    addresses = {_parse_ip(info[4][0]) for info in outcome}
    return tuple(sorted(filter(None, addresses), key=str))


def _rejected(
    target: object,
    address: IPAddress,
    environment: GuardedEnvironment,
    *,
    resolved: bool,
) -> TargetRejected:
    networks = ", ".join(str(network) for network in environment.allowed_networks)
    where = getattr(environment, "where", None)
    set_at = f", set at {where('allowed_networks')}" if callable(where) else ""
    how = "resolves to" if resolved else "is"
    return TargetRejected(
        f"target {target!r} {how} {address}, outside the allowed networks of "
        f"environment {environment.name!r} ({networks}{set_at}); the suite did not "
        f"connect. Point the check at a host inside those networks, or add "
        f"{address} to environments.{environment.name}.allowed_networks if the "
        "suite may reach it"
    )
