"""The WSGI callable: the FastAPI app behind a2wsgi's ASGI-to-WSGI bridge.

a2wsgi 1.10 leaves the ASGI task running when mod_wsgi closes the response
early (the client went away), so a streaming route would wait forever on its
next send. ClosingResponder cancels the task at close, which lets the SSE
stream release its RabbitMQ connection. It relies on a2wsgi's ASGIResponder
internals, so the version is pinned in requirements.txt.
"""

from a2wsgi import ASGIMiddleware
from a2wsgi.asgi import ASGIResponder

from .main import app


class ClosingResponder(ASGIResponder):
    async def start_asgi_app(self, environ):
        self.asgi_task = await super().start_asgi_app(environ)
        return self.asgi_task

    def __call__(self, environ, start_response):
        try:
            yield from super().__call__(environ, start_response)
        finally:
            task = getattr(self, "asgi_task", None)
            if task is not None and not self.asgi_done.is_set():
                self.loop.call_soon_threadsafe(task.cancel)


class ClosingMiddleware(ASGIMiddleware):
    def __call__(self, environ, start_response):
        return ClosingResponder(self.app, self.loop, self.wait_time)(
            environ, start_response
        )


application = ClosingMiddleware(app)
