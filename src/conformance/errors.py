"""Exceptions raised by the conformance library.

ConformanceError
 +-- ExpectationsError  expectations.yaml or a waivers file is invalid (file:line)
 +-- ConfigParseError   an Apache, mod_wsgi or Celery config file is invalid
 +-- TargetRejected     a host or URL lies outside the allowed networks
 +-- ProbeLimitError    a burst probe was asked for more than its caps allow
 +-- HostUnreachable    a host did not respond over SSH within its timeout
 +-- LabError           the reference lab cannot be built, booted or changed

Every message names the value at fault, where it was read, and what to do next.
"""


class ConformanceError(Exception):
    """Base of every error this library raises on purpose."""


class ExpectationsError(ConformanceError):
    """An expectations or waivers file is malformed or contains an invalid value."""


class ConfigParseError(ConformanceError):
    """A configuration file read from a host cannot be parsed."""


class TargetRejected(ConformanceError):
    """A target lies outside the allowed networks of the selected environment."""


class ProbeLimitError(ConformanceError):
    """A probe was configured beyond the hard caps that keep it safe."""


class HostUnreachable(ConformanceError):
    """A host did not respond over SSH within the configured timeout."""


class LabError(ConformanceError):
    """The reference lab cannot be built, booted or changed as requested."""
