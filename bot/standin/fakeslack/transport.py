"""HTTP: parsing a request body (form, JSON, multipart), the threaded server and its
request handler, and writing an answer. Which path goes where is ``server.FakeSlack``'s."""

from __future__ import annotations

import json
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs

from bot.standin.fakeslack.common import JSONDict


def parse_body(raw: bytes, content_type: str, query: str) -> JSONDict:
    """Parse a Web API request body (form, JSON or multipart). Raises ValueError if malformed."""
    body: JSONDict = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    kind = content_type.split(";")[0].strip().lower()
    if not raw.strip():
        return body
    if kind == "application/json":
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("JSON body is not an object")
        body.update(data)
    elif kind == "multipart/form-data":
        for name, _filename, payload in multipart_parts(raw, content_type):
            body[name] = payload.decode("utf-8", errors="replace")
    else:
        text = raw.decode("utf-8")
        body.update({k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()})
    return body


def multipart_parts(raw: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    """The (field name, file name, content) of each part of a multipart/form-data body."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + raw)
    parts: list[tuple[str, str | None, bytes]] = []
    if not message.is_multipart():
        raise ValueError("not a multipart body")
    for part in message.iter_parts():
        payload = part.get_payload(decode=True)
        name = part.get_param("name", header="content-disposition")
        parts.append(
            (
                str(name or ""),
                part.get_filename(),
                payload if isinstance(payload, bytes) else b"",
            )
        )
    return parts


class Serves(Protocol):
    """What the server hands each request to (``server.FakeSlack``)."""

    def _serve(self, handler: Handler) -> None: ...


class Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: Serves

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Stay quiet: a client that hung up is not worth a traceback."""


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """No request logging."""

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    def do_GET(self) -> None:
        self.server.fake._serve(self)


def reply(
    handler: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    content_type: str = "application/json; charset=utf-8",
    headers: dict[str, str] | None = None,
) -> None:
    """Answer a request with ``status`` and ``body``."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)
