"""HTTP mode: one WSGI application (Slack endpoints and health checks), served by
gunicorn in production and by a small threaded server in tests and the console."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from storage.db import Database

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # Slack's own payloads are far smaller
READY_TIMEOUT = 1.5  # seconds /readyz waits for the database (load balancers allow ~2)
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(app: App, db: Database) -> WSGIApp:
    """Routes: POST /slack/events, Bolt's OAuth paths when enabled, and two health checks:
    GET /healthz (liveness: the process answers, at once) and GET /readyz (readiness:
    200 when the database answers, 503 within `READY_TIMEOUT` when it does not)."""
    slack = SlackRequestHandler(app, path="/slack/events")
    twin = getattr(app, "commands", None)
    commands = SlackRequestHandler(twin, path="/slack/events") if twin is not None else None

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        if path == "/readyz":
            ok = db.ping(timeout=READY_TIMEOUT)
            start_response(
                "200 OK" if ok else "503 Service Unavailable", [("Content-Type", "text/plain")]
            )
            return [b"ready\n" if ok else b"database unreachable\n"]
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY:
            _drain(environ, length)
            start_response("413 Payload Too Large", [("Content-Type", "text/plain")])
            return [b"request too large\n"]
        handler = slack
        if commands is not None and _is_slash_command(environ, length):
            handler = commands
        try:
            return handler(environ, start_response)
        except (ValueError, UnicodeDecodeError, LookupError, TypeError, AttributeError) as err:
            # A body Bolt cannot even parse, or one whose shape breaks Bolt's own matchers
            # (`"actions": null`, an action without `action_id`): Slack never sends these.
            log.info("refused a malformed request: %r", err)
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"bad request\n"]

    return application


def _is_slash_command(environ: dict[str, Any], length: int) -> bool:
    """A slash command (a form with `command`, no `payload`)? The body is read here and put
    back for Bolt, which checks its signature as usual."""
    if environ.get("REQUEST_METHOD") != "POST" or not str(
        environ.get("CONTENT_TYPE", "")
    ).startswith("application/x-www-form-urlencoded"):
        return False
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    fields = {pair.split(b"=", 1)[0] for pair in body.split(b"&")}
    return b"command" in fields and b"payload" not in fields


def _drain(environ: dict[str, Any], length: int, limit: int = 4 * MAX_BODY) -> None:
    """Read (and drop) a refused body up to `limit`, so the client hears the 413 instead
    of a connection reset mid-upload; past the limit the connection is simply closed."""
    left = min(length, limit)
    stream = environ.get("wsgi.input")
    while stream is not None and left > 0:
        chunk = stream.read(min(left, 65536))
        if not chunk:
            break
        left -= len(chunk)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        log.debug(format, *args)


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def serve_in_thread(application: WSGIApp, host: str = "127.0.0.1", port: int = 0) -> Any:
    """Start a threaded WSGI server in the background; returns it (`.server_port`,
    `.shutdown()`). For tests and the console, not production."""
    server = make_server(
        host, port, application, server_class=_ThreadingServer, handler_class=_Quiet
    )
    threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},  # shutdown() waits up to one poll interval
        name="coach-http",
        daemon=True,
    ).start()
    return server


def run_gunicorn(
    factory: Callable[[], WSGIApp],
    *,
    host: str,
    port: int,
    workers: int,
    threads: int,
    on_starting: Callable[[], None] | None = None,
    post_fork: Callable[[], None] | None = None,
) -> None:
    """Serve with gunicorn (gthread workers); each worker builds its own app."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("accesslog", None)
            if on_starting:
                self.cfg.set("on_starting", lambda _arbiter: on_starting())
            if post_fork:
                self.cfg.set("post_fork", lambda _arbiter, _worker: post_fork())

        def load(self) -> WSGIApp:
            return factory()

    Server().run()
