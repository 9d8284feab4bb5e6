"""Remove registered secrets from test reports and from everything written to disk.

The secrets module keeps the registered secrets: passwords, keys and cookies from the
environment or registered at run time. This module applies its `redact` to nested
report data, and to pytest's test reports before any plugin renders them.
"""

from __future__ import annotations

from typing import Any

import pytest


def redact_text(text: str) -> str:
    """Return `text` with every registered secret replaced."""
    from conformance.secrets import redact

    return redact(text)


def redact_data(value: Any) -> Any:
    """Return a copy of nested dicts, lists and tuples with every string redacted."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {redact_data(key): redact_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [redact_data(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_data(item) for item in value)
    return value


def redact_report(
    config: pytest.Config, report: pytest.TestReport
) -> pytest.TestReport:
    """Return a copy of `report` with failure text, output and properties redacted.

    The report goes through pytest's own serialization hooks, which pytest-xdist
    uses to send reports to the controller. In that form every string a plugin may
    render (traceback, captured output, user_properties) is a plain value to redact,
    and the rebuilt report renders the same way as the original.
    """
    data = config.hook.pytest_report_to_serializable(config=config, report=report)
    if data is None:
        return report
    rebuilt = config.hook.pytest_report_from_serializable(
        config=config,
        data=redact_data(data),
    )
    return rebuilt if rebuilt is not None else report
