"""The WSGI app (bot/server.py) behind an asynchronous front end, so that slow and idle
clients can't stall the server.

`coach serve` runs uvicorn's event loop in each gunicorn worker (uvicorn-worker). A
connection costs the loop nothing while it sends its headers, however slowly; this bridge
then reads the whole body in the loop too, within `BODY_TIMEOUT` and `MAX_BODY`, and only
a complete request reaches one of the worker's threads, where Bolt runs. `/healthz` is
answered in the loop itself, never queued behind busy threads. (A WSGI server's thread
that waits for a client's next byte is a thread lost: eight idle connections once held
all eight of gthread's, and `/healthz` with them.)
"""

from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

log = logging.getLogger(__name__)
BODY_TIMEOUT = 10.0  # seconds a client has to send its whole body once its headers are in
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _TooLarge(Exception):
    pass


def asgi_app(
    application: WSGIApp, *, threads: int, max_body: int, body_timeout: float = BODY_TIMEOUT
) -> ASGIApp:
    """An ASGI app serving `application` (WSGI) on a pool of `threads`; a body over
    `max_body` bytes gets 413."""
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="coach-http")

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send, pool)
            return
        if scope["type"] != "http":
            return
        if scope.get("path") == "/healthz":  # liveness: the loop answers, whatever else
            await _respond(send, 200, [(b"content-type", b"text/plain")], b"ok\n")
            return
        try:
            body = await asyncio.wait_for(_body(receive, max_body), body_timeout)
        except TimeoutError:
            await _respond(send, 408, [(b"connection", b"close")], b"request body too slow\n")
            return
        except _TooLarge:
            await _respond(send, 413, [(b"connection", b"close")], b"request too large\n")
            return
        except ConnectionError:
            return  # the client went away
        environ = _environ(scope, body)
        loop = asyncio.get_running_loop()
        status, headers, content = await loop.run_in_executor(pool, _call, application, environ)
        await _respond(send, status, headers, content)

    return app


async def _lifespan(receive: Receive, send: Send, pool: ThreadPoolExecutor) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            pool.shutdown(wait=True)  # what is in flight finishes
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _body(receive: Receive, max_body: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("client disconnected")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_body:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """PEP 3333's environ for one complete request."""
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", ""),
        "PATH_INFO": scope["path"],
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "REMOTE_ADDR": str(client[0]),
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope.get("headers", []):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_LENGTH":
            continue  # the body is read: its length is what it is
        key = name if name == "CONTENT_TYPE" else f"HTTP_{name}"
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def _call(application: WSGIApp, environ: dict[str, Any]) -> tuple[int, list[Any], bytes]:
    """Run the WSGI app on one of the pool's threads: (status, headers, body)."""
    answer: dict[str, Any] = {}
    written: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        answer["status"], answer["headers"] = status, headers
        return written.append

    try:
        result: Iterable[bytes] = application(environ, start_response)
        try:
            written.extend(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
    except Exception:
        log.exception("the app failed on %s", environ.get("PATH_INFO"))
        return 500, [(b"content-type", b"text/plain")], b"internal error\n"
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer["headers"]]
    return int(str(answer["status"]).split(" ", 1)[0]), headers, b"".join(written)


async def _respond(send: Send, status: int, headers: list[Any], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
