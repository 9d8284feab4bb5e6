"""Conformance suite that proves the MBPanel development stack matches its runbook."""
