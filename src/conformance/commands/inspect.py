"""`conformance inspect apache|wsgi|celery FILE`: print what the suite reads."""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import sys
from typing import Any

from conformance.apache import (
    DEBIAN_STATIC_MODULES,
    DEFAULT_STATIC_MODULES,
    effective_mpm,
    load_apache_config,
)
from conformance.celery import load_celery_config
from conformance.sources import LocalFileSource
from conformance.wsgi import read_wsgi

MPMS = ("event", "worker", "prefork")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "inspect",
        help="print the configured and effective values the suite reads from a file",
        description=(
            "Parse one config file the way its program reads it and print, as "
            "JSON, each value configured and effective with file:line."
        ),
    )
    parser.add_argument("kind", choices=("apache", "wsgi", "celery"))
    parser.add_argument("file", help="the config file to read")
    parser.add_argument(
        "--server-root",
        help="directory relative Include paths start from until a ServerRoot "
        "directive sets one (default: the file's parent's parent, as for "
        "/etc/httpd/conf/httpd.conf)",
    )
    parser.add_argument(
        "--mpm",
        action="append",
        choices=MPMS,
        help="MPM to derive values for; repeat for several (default: the loaded "
        "MPM, plus worker and event, the two blocks the runbook names)",
    )
    parser.add_argument(
        "-D",
        dest="defines",
        action="append",
        default=[],
        metavar="NAME",
        help="a name httpd was started with -D NAME (for <IfDefine>)",
    )
    parser.add_argument(
        "--debian",
        action="store_true",
        help="use the modules Debian's apache2 compiles in (mod_unixd, mod_version, "
        "...) instead of RHEL's",
    )
    parser.add_argument(
        "--hostname",
        default="%h",
        help="host name for Celery node names (default: celery's %%h placeholder)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report = _INSPECTORS[args.kind](args)
    try:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (such as `head`) closed the pipe; that is not an error here.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    return 0


def _load_apache(args: argparse.Namespace, *, extra_modules: tuple[str, ...] = ()):
    path = posixpath.abspath(args.file)
    server_root = args.server_root or posixpath.dirname(posixpath.dirname(path))
    static = DEBIAN_STATIC_MODULES if args.debian else DEFAULT_STATIC_MODULES
    return load_apache_config(
        path,
        server_root=server_root,
        source=LocalFileSource(),
        defines=args.defines,
        static_modules=(*static, *extra_modules),
    )


def inspect_apache(args: argparse.Namespace) -> dict[str, Any]:
    config = _load_apache(args)
    loaded = config.loaded_mpm()
    mpms = args.mpm or [m for m in MPMS if m in (loaded, "worker", "event")]
    return {
        "file": config.path,
        "server_root": config.server_root,
        "loaded_mpm": loaded,
        "modules": [{"module": m.symbol, "at": m.at} for m in config.modules],
        "defines": config.defines,
        "files_read": config.files_read,
        "mpm": {
            mpm: effective_mpm(config, mpm).to_dict() for mpm in dict.fromkeys(mpms)
        },
        "warnings": config.warnings,
    }


def inspect_wsgi(args: argparse.Namespace) -> dict[str, Any]:
    # wsgi.conf is usually read on its own, without the LoadModule line that
    # httpd.conf includes, so mod_wsgi counts as loaded for <IfModule mod_wsgi.c>.
    config = _load_apache(args, extra_modules=("wsgi_module",))
    return {
        "file": config.path,
        **read_wsgi(config).to_dict(),
        "warnings": config.warnings,
    }


def inspect_celery(args: argparse.Namespace) -> dict[str, Any]:
    path = posixpath.abspath(args.file)
    return load_celery_config(path, hostname=args.hostname).to_dict()


_INSPECTORS = {
    "apache": inspect_apache,
    "wsgi": inspect_wsgi,
    "celery": inspect_celery,
}
