"""HTTP mode: one WSGI application (Slack endpoints and health checks), served in
production by gunicorn's process manager with uvicorn's event loop in each worker (the
bridge is bot/asgi.py: slow and idle clients can't stall it), and by a small threaded
server in tests and the console."""

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
from slack_sdk.signature import SignatureVerifier

from bot.logs import protect_handlers
from storage.db import Database

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # Slack's own payloads are far smaller
READY_TIMEOUT = 1.5  # seconds /readyz waits for the database (load balancers allow ~2)
EVENTS_PATH = "/slack/events"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def wsgi_app(app: App, db: Database) -> WSGIApp:
    """Routes: POST /slack/events, Bolt's OAuth paths when enabled, and two health checks:
    GET /healthz (liveness: the process answers, at once) and GET /readyz (readiness:
    200 when the database answers, 503 within `READY_TIMEOUT` when it does not).

    A POST to /slack/events must carry Slack's signature over its exact body: it is
    checked here, before anything parses the body, so an unsigned request (however deeply
    nested its JSON) gets Bolt's own 401 without being parsed. `app` is a `CoachApp`
    (see `create_app`), which knows its signing secret."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)
    twin = getattr(app, "commands", None)
    commands = SlackRequestHandler(twin, path=EVENTS_PATH) if twin is not None else None
    secret = getattr(app, "signing_secret", None)
    if not secret:
        raise ValueError("wsgi_app serves an app from create_app: it needs its signing secret")
    verifier = SignatureVerifier(secret)

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
        if environ.get("REQUEST_METHOD") == "POST" and path == EVENTS_PATH:
            body = _read_body(environ, length)
            if not _is_utf8(body):  # Bolt could not even read it
                return _bad_request(start_response)
            if not _signed(verifier, environ, body):
                return _unauthorized(start_response)
            if commands is not None and _is_slash_command(environ, body):
                handler = commands
        try:
            return handler(environ, start_response)
        except MALFORMED as err:
            # A body Bolt cannot even parse (RecursionError: JSON nested too deep), or one
            # whose shape breaks Bolt's own matchers (`"actions": null`, an action without
            # `action_id`): Slack never sends these.
            log.info("refused a malformed request: %s", _summary(err))
            return _bad_request(start_response)

    return application


MALFORMED = (ValueError, UnicodeDecodeError, LookupError, TypeError, AttributeError, RecursionError)


def _read_body(environ: dict[str, Any], length: int) -> bytes:
    """The request's body, read once and put back for Bolt."""
    body = environ["wsgi.input"].read(length) if length else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _signed(verifier: SignatureVerifier, environ: dict[str, Any], body: bytes) -> bool:
    """Does the request carry Slack's signature over this very body, made within the last
    five minutes? (Bolt's own check, with slack_sdk's verifier; it stays on behind this.)"""
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP")
    signature = environ.get("HTTP_X_SLACK_SIGNATURE")
    try:
        if verifier.is_valid(body, timestamp, signature):
            return True
    except ValueError:  # a timestamp that is not a number
        pass
    log.info("refused a request without a valid Slack signature")
    return False


def _unauthorized(start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Bolt's own answer to a bad signature, word for word."""
    start_response("401 Unauthorized", [("Content-Type", "application/json;charset=utf-8")])
    return [b'{"error": "invalid request"}']


def _bad_request(start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("400 Bad Request", [("Content-Type", "text/plain")])
    return [b"bad request\n"]


def _summary(err: BaseException) -> str:
    """An error in one short line: a JSON parser's message may quote the body."""
    return f"{type(err).__name__}: {str(err)[:200]}"


def _is_slash_command(environ: dict[str, Any], body: bytes) -> bool:
    """A slash command (a form with `command`, no `payload`)?"""
    if not str(environ.get("CONTENT_TYPE", "")).startswith("application/x-www-form-urlencoded"):
        return False
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
    child_exit: Callable[[int], None] | None = None,
) -> None:
    """Serve with gunicorn: `workers` processes, each running uvicorn's event loop in front
    of its own app on a pool of `threads` (bot/asgi.py). gunicorn's own error log logs at
    the root logger's level, through a redacting handler too. On SIGTERM each worker stops
    accepting, finishes what is in flight (within `graceful_timeout`), and the server
    exits 0."""
    from gunicorn.app.base import BaseApplication  # start-up time: only `coach serve` needs it

    from bot.asgi import asgi_app  # (uvicorn too: only `coach serve` needs it)

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", worker_class())
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("keepalive", 5)  # seconds an idle keep-alive connection stays
            self.cfg.set("accesslog", None)
            self.cfg.set("logger_class", gunicorn_logger_class())
            level = logging.getLogger().getEffectiveLevel()
            self.cfg.set("loglevel", logging.getLevelName(level).lower())
            if on_starting:
                self.cfg.set("on_starting", lambda _arbiter: on_starting())
            if post_fork:
                self.cfg.set("post_fork", lambda _arbiter, _worker: post_fork())
            if child_exit:
                self.cfg.set("child_exit", lambda _arbiter, worker: child_exit(worker.pid))

        def load(self) -> Any:
            return asgi_app(factory(), threads=threads, max_body=MAX_BODY)

    Server().run()


def worker_class() -> type:
    """uvicorn-worker's worker, on the standard asyncio loop and h11, with the ASGI
    lifespan on (a stopping worker lets its threads finish their requests)."""
    from uvicorn_worker import UvicornWorker  # start-up time: only `coach serve` needs it

    class CoachWorker(UvicornWorker):  # type: ignore[misc]
        CONFIG_KWARGS = {  # noqa: RUF012 - uvicorn-worker's own class attribute
            "loop": "asyncio",
            "http": "h11",
            "lifespan": "on",
            "timeout_graceful_shutdown": 20,
        }

    return CoachWorker


def gunicorn_logger_class() -> type:
    """gunicorn's Logger, with `bot.logs`'s filter on the handlers it sets up (its error
    and access logs, or whatever a `logconfig_dict` makes), at start and on reload."""
    from gunicorn.glogging import Logger  # start-up time: only `coach serve` needs it

    class RedactingLogger(Logger):  # type: ignore[misc]
        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            protect_handlers()

    return RedactingLogger
