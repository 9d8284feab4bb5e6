"""Enables the conformance plugin and its reports for the suite under tests/."""

pytest_plugins = ["conformance.plugin", "conformance.reporting.plugin"]
