"""WSGI entry point of the MBPanel API for mod_wsgi.

FastAPI is an ASGI application, so a2wsgi runs it on an event loop thread and
exposes it as a WSGI callable.
"""

from app.adapter import application  # noqa: F401
