"""Settings of the MBPanel API, read from an INI file written at lab boot.

The file names the dependencies (PostgreSQL, Redis, RabbitMQ), their
credentials, the operator login and feature switches. MBPANEL_CONFIG overrides
its path.
"""

import configparser
import os
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

CONFIG_PATH = os.environ.get("MBPANEL_CONFIG", "/etc/mbpanel/app.conf")

EVENTS_EXCHANGE = "mbpanel.events"
JOBS_QUEUE = "jobs.env.create"


@dataclass(frozen=True)
class Settings:
    pg_host: str
    pg_port: int
    pg_database: str
    pg_user: str
    pg_password: str
    redis_host: str
    redis_port: int
    redis_db: int
    rabbitmq_host: str
    rabbitmq_port: int
    rabbitmq_management_port: int
    rabbitmq_vhost: str
    rabbitmq_user: str
    rabbitmq_password: str
    app_user: str
    app_password: str
    session_secret: str
    session_ttl_s: int
    heartbeat_s: float
    legacy_favourites_route: bool
    sse_require_auth: bool

    def __repr__(self) -> str:
        # Passwords and the session secret must never reach a log line.
        return (
            f"Settings(pg={self.pg_host}, redis={self.redis_host}, "
            f"rabbitmq={self.rabbitmq_host})"
        )

    @property
    def broker_url(self) -> str:
        user = quote(self.rabbitmq_user, safe="")
        password = quote(self.rabbitmq_password, safe="")
        vhost = quote(self.rabbitmq_vhost, safe="")
        return f"amqp://{user}:{password}@{self.rabbitmq_host}:{self.rabbitmq_port}/{vhost}"

    @property
    def redis_url(self) -> str:
        return f"redis://{self.redis_host}:{self.redis_port}/{self.redis_db}"


def _parser(path: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser()
    with open(path, encoding="utf-8") as handle:
        parser.read_file(handle)
    return parser


@lru_cache(maxsize=1)
def load() -> Settings:
    """Read the settings file once per process."""
    config = _parser(CONFIG_PATH)
    return Settings(
        pg_host=config.get("postgresql", "host"),
        pg_port=config.getint("postgresql", "port"),
        pg_database=config.get("postgresql", "database"),
        pg_user=config.get("postgresql", "user"),
        pg_password=config.get("postgresql", "password"),
        redis_host=config.get("redis", "host"),
        redis_port=config.getint("redis", "port"),
        redis_db=config.getint("redis", "db", fallback=0),
        rabbitmq_host=config.get("rabbitmq", "host"),
        rabbitmq_port=config.getint("rabbitmq", "port"),
        rabbitmq_management_port=config.getint("rabbitmq", "management_port"),
        rabbitmq_vhost=config.get("rabbitmq", "vhost"),
        rabbitmq_user=config.get("rabbitmq", "user"),
        rabbitmq_password=config.get("rabbitmq", "password"),
        app_user=config.get("auth", "user"),
        app_password=config.get("auth", "password"),
        session_secret=config.get("auth", "session_secret"),
        session_ttl_s=config.getint("auth", "session_ttl_s", fallback=28800),
        heartbeat_s=config.getfloat("events", "heartbeat_s", fallback=5.0),
        legacy_favourites_route=config.getboolean(
            "features", "legacy_favourites_route", fallback=False
        ),
        sse_require_auth=config.getboolean(
            "features", "sse_require_auth", fallback=True
        ),
    )


def ping_delay_s() -> float:
    """Read [probes] ping_delay_ms from the settings file at every call.

    Read per request, unlike the rest, so a changed delay applies without a
    reload; the lab's slow-ping fault relies on that.
    """
    try:
        config = _parser(CONFIG_PATH)
    except OSError:
        return 0.0
    return config.getint("probes", "ping_delay_ms", fallback=0) / 1000.0
