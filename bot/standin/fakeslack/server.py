"""``FakeSlack`` itself: starting and stopping the HTTP server, which path goes where (Web
API, response URLs, file uploads), and one Web API call from token to answer. The
methods are the families' (see the package docstring); the table below names them."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from urllib.parse import urlsplit

from bot.standin.fakeslack.auth import Auth
from bot.standin.fakeslack.chat import Chat
from bot.standin.fakeslack.common import JSONDict, SlackError
from bot.standin.fakeslack.files import Files
from bot.standin.fakeslack.functions import Functions
from bot.standin.fakeslack.people import People
from bot.standin.fakeslack.records import Team
from bot.standin.fakeslack.responses import Responses
from bot.standin.fakeslack.transport import Handler, Server, parse_body, reply
from bot.standin.fakeslack.users import Users
from bot.standin.fakeslack.views import Views


class FakeSlack(Auth, Users, Chat, Files, Responses, Views, People, Functions):
    """A fake Slack Web API on a real HTTP port. See the package docstring."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host=host, port=port)
        self._handlers: dict[str, Callable[[Team, JSONDict], JSONDict]] = {
            "auth.test": self._auth_test,  # auth.py
            "team.info": self._team_info,
            "users.info": self._users_info,  # users.py
            "conversations.open": self._conversations_open,  # conversations.py
            "conversations.info": self._conversations_info,
            "chat.postMessage": self._chat_post_message,  # chat.py
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "chat.getPermalink": self._chat_get_permalink,
            "views.open": self._views_open,  # views.py
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url,  # files.py
            "files.completeUploadExternal": self._files_complete_upload,
            "files.info": self._files_info,
            "functions.completeSuccess": self._functions_complete_success,  # functions.py
            "functions.completeError": self._functions_complete_error,
        }

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> FakeSlack:
        """Start serving on a background thread; returns self."""
        if self._server is not None:
            return self
        server = Server((self.host, self.port), Handler)
        server.fake = self
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ----------------------------------------------------------------- HTTP

    def _serve(self, handler: Handler) -> None:
        try:
            parts = urlsplit(handler.path)
            try:
                length = int(handler.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                reply(handler, 400, b'{"ok":false,"error":"invalid_arguments"}')
                return
            raw = handler.rfile.read(length) if length else b""
            path = parts.path
            if path.startswith("/api/"):
                self._serve_api(handler, path[len("/api/") :], raw, parts.query)
            elif path.startswith("/response/"):
                self._serve_response_url(handler, path[len("/response/") :], raw)
            elif path.startswith("/upload/"):
                self._serve_upload(handler, path[len("/upload/") :], raw)
            elif path == "/":
                reply(handler, 200, b"fake slack\n", "text/plain")
            else:
                reply(handler, 404, b"not found\n", "text/plain")
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception:
            with suppress(OSError):
                reply(handler, 500, b'{"ok":false,"error":"internal_error"}')
        finally:
            self._flush_events()

    def _serve_api(self, handler: Handler, method: str, raw: bytes, query: str) -> None:
        self._hold(method)
        if method == "oauth.v2.access":
            self._serve_oauth(handler, raw, query)
            return
        if method == "apps.connections.open":
            self._serve_connections_open(handler, raw)
            return
        content_type = handler.headers.get("Content-Type") or ""
        body: JSONDict | None
        try:
            body = parse_body(raw, content_type, query)
        except (ValueError, UnicodeDecodeError):
            body = None
        auth = handler.headers.get("Authorization") or ""
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""
        token = token or str((body or {}).get("token") or "")
        status, extra_headers = 200, {}
        with self._changing():
            org = self._org_of(token)
            team, refused = self._team_for(token, org, body or {})
            call, fault = self._record(method, handler, body or {}, team, raw)
            if fault is None:
                try:
                    if body is None:
                        raise SlackError("invalid_arguments", ["[ERROR] malformed request body"])
                    action = self._handlers.get(method)
                    if action is None:
                        raise SlackError("unknown_method")
                    if not token:
                        raise SlackError("not_authed")
                    if method == "auth.test" and org and refused in ("", "missing_argument"):
                        action = partial(self._org_auth_test, org)
                    elif team is None:
                        raise SlackError(refused)
                    if method == "chat.postMessage" and team is not None:
                        wait = self._rate_limited(team, body)
                        if wait is not None:
                            self.rejected_429 += 1
                            call.failed, call.status = "ratelimited", 429
                            status, extra_headers = 429, {"Retry-After": str(wait)}
                            raise SlackError("ratelimited")
                    payload = {"ok": True, **action(team, body)}  # type: ignore[arg-type]
                except SlackError as exc:
                    payload = exc.payload()
                call.response = payload
        if fault is not None:
            self._answer_fault(handler, fault)
            return
        reply(handler, status, json.dumps(payload).encode(), headers=extra_headers)
