"""Enables the conformance plugin for the suite under tests/."""

pytest_plugins = ["conformance.plugin"]
