"""Read expectations.yaml into an `Expectations` record, or raise ExpectationsError."""

import dataclasses
import hashlib
import logging
import types
from pathlib import Path

from conformance import secrets
from conformance.errors import ExpectationsError
from conformance.expectations.consistency import check_consistency
from conformance.expectations.environment import Environment
from conformance.expectations.messages import located_error
from conformance.expectations.model import Expectations
from conformance.expectations.schema import Context, build
from conformance.expectations.yamltree import parse_yaml

log = logging.getLogger(__name__)


def load(path: Path | str) -> Expectations:
    """Load and validate an expectations file; nothing is resolved or connected."""
    path = Path(path)
    data = _read(path)
    text = _decode(data, path)
    root = parse_yaml(text, str(path))
    if root is None:
        raise located_error(
            path,
            1,
            "the file holds no YAML document",
            got=text[:40],
            fix="start from the expectations.yaml shipped with the suite",
        )
    context = Context(source=str(path), base_dir=path.resolve().parent)
    expectations = build(Expectations, root, context)
    check_consistency(expectations, context)
    environments = {
        name: _with_ca_bundle(environment)
        for name, environment in expectations.environments.items()
    }
    log.debug("loaded %s with environments %s", path, ", ".join(environments))
    return dataclasses.replace(
        expectations,
        environments=types.MappingProxyType(environments),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ExpectationsError(
            f"{path}: cannot read the expectations file: {error.strerror} "
            f"(got {str(path)!r}); pass an existing file with --expectations=PATH"
        ) from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise located_error(
            path,
            line,
            "the file is not valid UTF-8",
            got=data[error.start : error.end],
            fix="save the file as UTF-8",
        ) from None


def _with_ca_bundle(environment: Environment) -> Environment:
    tls = environment.tls
    value = secrets.lookup(tls.ca_bundle_env, environment.credentials.env_file)
    if value is None:
        return environment
    bundle = Path(value)
    if not bundle.is_absolute():
        bundle = environment.source.resolve().parent / bundle
    return dataclasses.replace(
        environment,
        tls=dataclasses.replace(tls, ca_bundle=bundle),
    )
