"""Reachability checks of the API's dependencies, each with a short timeout.

Each check returns a dict with `status` ("ok" or "error"), `latency_ms` and,
on error, `error` naming the exception; credentials never appear in it.
"""

import time
from concurrent.futures import ThreadPoolExecutor

import amqp
import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .settings import Settings

CONNECT_TIMEOUT_S = 2


def _timed(check, settings: Settings) -> dict:
    started = time.monotonic()
    try:
        check(settings)
    except Exception as error:  # every failure of a dependency is a result here
        return {
            "status": "error",
            "error": f"{type(error).__name__}: {error}".strip(),
            "latency_ms": round((time.monotonic() - started) * 1000, 1),
        }
    return {
        "status": "ok",
        "latency_ms": round((time.monotonic() - started) * 1000, 1),
    }


def check_postgresql(settings: Settings) -> None:
    with psycopg.connect(
        host=settings.pg_host,
        port=settings.pg_port,
        dbname=settings.pg_database,
        user=settings.pg_user,
        password=settings.pg_password,
        connect_timeout=CONNECT_TIMEOUT_S,
    ) as connection:
        connection.execute("SELECT 1").fetchone()


def check_redis(settings: Settings) -> None:
    client = redis.Redis(
        host=settings.redis_host,
        port=settings.redis_port,
        db=settings.redis_db,
        socket_connect_timeout=CONNECT_TIMEOUT_S,
        socket_timeout=CONNECT_TIMEOUT_S,
        # redis-py retries a refused connection three times by default, which
        # would turn a down Redis into seconds of latency.
        retry=Retry(NoBackoff(), 0),
    )
    try:
        client.ping()
    finally:
        client.close()


def check_rabbitmq(settings: Settings) -> None:
    connection = amqp.Connection(
        host=f"{settings.rabbitmq_host}:{settings.rabbitmq_port}",
        userid=settings.rabbitmq_user,
        password=settings.rabbitmq_password,
        virtual_host=settings.rabbitmq_vhost,
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=CONNECT_TIMEOUT_S,
        write_timeout=CONNECT_TIMEOUT_S,
    )
    connection.connect()
    connection.close()


DEPENDENCY_CHECKS = {
    "postgresql": check_postgresql,
    "redis": check_redis,
    "rabbitmq": check_rabbitmq,
}


def check_dependencies(settings: Settings) -> dict[str, dict]:
    """Run every dependency check at once, so one timeout bounds them all."""
    with ThreadPoolExecutor(max_workers=len(DEPENDENCY_CHECKS)) as pool:
        futures = {
            name: pool.submit(_timed, check, settings)
            for name, check in DEPENDENCY_CHECKS.items()
        }
        return {name: future.result() for name, future in futures.items()}
