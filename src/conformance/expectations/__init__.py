"""Load expectations.yaml: the runbook's values and the environments to check.

API:

- `load(path) -> Expectations`: validate the file; raises ExpectationsError with one
  message `FILE:LINE: what is wrong (got VALUE); the fix`. Nothing is resolved or
  connected while loading.
- `Expectations` has `source`, `sha256` (of the file's bytes, for report headers),
  `runbook`, `runbook_sections`, `environments`, `timeouts` and `checks`.
  `environment(name)` raises ExpectationsError naming the environments that exist.
  `section(number)` returns a `Section` that unpacks as (number, title, first_step).
  `where(*keys)` returns `FILE:LINE` of any value, for example
  `where("checks", "apache", "mpm", "event", "MaxRequestWorkers")`.
- `Environment`: `name`, `hosts[role]` (`address`, `name`, `user`),
  `dependencies[name].host`, `backend_url`, `frontend_url`, `tls` (`verify`,
  `ca_bundle`, `server_name`, `ssl_context()`), `credentials` (`lookup`, `require`,
  `secret`), `allowed_networks`, `burst_by_default`, `allows(address)`.
- `Checks.groups()`: every check group by name; each group has `runbook`,
  `remediation` and its values, and `where(*keys)` for the line of a value.
- `FieldMatcher`: expected JSON field values of health endpoints, `matches(value)`.
"""

from conformance.expectations.checks import CheckGroup, Checks, Endpoint
from conformance.expectations.environment import (
    Credentials,
    Dependency,
    Environment,
    Host,
    Tls,
)
from conformance.expectations.loader import load
from conformance.expectations.matchers import FieldMatcher
from conformance.expectations.model import Expectations, Section, Timeouts

__all__ = [
    "CheckGroup",
    "Checks",
    "Credentials",
    "Dependency",
    "Endpoint",
    "Environment",
    "Expectations",
    "FieldMatcher",
    "Host",
    "Section",
    "Timeouts",
    "Tls",
    "load",
]
