"""The app factory: `create_app(settings, db=..., clock=...)` returns a wired Bolt App.

No module-level app: tests, the console and each server worker build their own.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.webhook import WebhookClient, WebhookResponse

import handlers
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.messages.modals import notice_view
from handlers.common import SORRY, USER_ERRORS
from storage.db import Database

log = logging.getLogger(__name__)
# Listeners run on this many threads. Bolt's default is 5: five events whose replies sit in
# 429 retries would hold them all, and slash commands would miss their 3-second ack.
LISTENER_THREADS = 64


def retry_handlers() -> list[Any]:
    """slack_sdk's own retry handlers: 429 honouring Retry-After, 5xx and dropped
    connections with backoff."""
    return [
        RateLimitErrorRetryHandler(max_retry_count=8),
        ServerErrorRetryHandler(max_retry_count=4),
        ConnectionErrorRetryHandler(max_retry_count=4),
    ]


def make_client(settings: Settings, token: str | None = None) -> WebClient:
    client = WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=retry_handlers(),
    )
    return client


def create_app(
    settings: Settings,
    *,
    db: Database,
    clock: Clock | None = None,
    client: WebClient | None = None,
    process_before_response: bool = False,
    socket_mode: bool = False,
) -> CoachApp:
    """A Bolt app with every listener registered and `db`, `clock` and `settings`
    available to listeners as arguments."""
    if not socket_mode:
        settings.require("slack_signing_secret")
    clock = clock or SystemClock()
    oauth = None
    if settings.oauth_enabled and not socket_mode:
        from bot.oauth import oauth_settings

        oauth = oauth_settings(settings, db)
        client = client or WebClient(
            base_url=settings.slack_api_url, timeout=15, retry_handlers=retry_handlers()
        )
    client = client or make_client(settings)
    listeners = ThreadPoolExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="coach-listener"
    )
    later = Later()

    def build(before_response: bool) -> CoachApp:
        app = CoachApp(
            signing_secret=settings.slack_signing_secret or "",
            request_verification_enabled=not socket_mode,
            oauth_settings=oauth,
            client=client,
            process_before_response=before_response,
            listener_executor=listeners,
            token_verification_enabled=False,
            ignoring_self_events_enabled=True,
            raise_error_for_unhandled_request=False,
            url_verification_enabled=True,
        )
        app.signing_secret = settings.slack_signing_secret

        @app.middleware
        def inject(context: Any, next: Callable[[], BoltResponse]) -> BoltResponse:
            context["db"] = db
            context["clock"] = clock
            context["settings"] = settings
            context["later"] = later
            if context.get("response_url"):
                context["respond"] = RetryingRespond(response_url=context["response_url"])
            return next()

        handlers.register(app)
        app.event(re.compile(".*"))(_ignore)  # acknowledge the rest, or Slack retries them
        app.error(_on_error)
        return app

    app = build(process_before_response)
    if not socket_mode and not process_before_response:
        # Slash commands answer in the acknowledgement itself, and hand any later work to
        # `later`: they are served in process-before-response mode, which skips the
        # thread hand-off and Bolt's 10 ms acknowledgement poll.
        app.commands = build(True)
    return app


class CoachApp(App):
    """A Bolt App, with the twin that serves slash commands (see `create_app`) and the
    signing secret that `bot.server` checks requests against before Bolt parses them."""

    commands: App | None = None
    signing_secret: str | None = None


class Later:
    """Work that follows an acknowledgement (a celebration, a redraw, a modal): run on a
    small pool so that it never holds up the answer; failures are logged."""

    def __init__(self, workers: int = 16) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="coach-later")

    def __call__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        def run() -> None:
            try:
                fn(*args, **kwargs)
            except Exception:
                log.exception("work after the acknowledgement failed")

        self._pool.submit(run)


class RetryingRespond(Respond):
    """Bolt's `respond()`, but through slack_sdk's retry handlers: Bolt's own WebhookClient
    only retries dropped connections and returns a 429/5xx answer silently."""

    def __call__(  # type: ignore[override]
        self, text: str | dict[str, Any] = "", **kwargs: Any
    ) -> WebhookResponse:
        if self.response_url is None:
            return super().__call__(text, **kwargs)
        message = (
            _build_message(**text)
            if isinstance(text, dict)
            else _build_message(text=text, **kwargs)
        )
        client = WebhookClient(
            url=self.response_url, proxy=self.proxy, ssl=self.ssl, retry_handlers=retry_handlers()
        )
        return client.send_dict(message)


def _ignore() -> None:
    """Events we don't act on still get their 200."""


def _on_error(
    error: Exception, body: dict[str, Any], respond: Any, logger: Any, response: Any
) -> None:
    """The last word on a failure: the person learns what happened, in private."""
    if isinstance(error, USER_ERRORS):
        message = str(error)
    else:
        logger.exception("Listener failed", exc_info=error)
        message = SORRY
    if response is not None and response.status >= 500:  # failed before its ack: no 5xx
        response.status = 200
        response.headers["content-type"] = ["application/json;charset=utf-8"]
        if body.get("type") == "view_submission":
            response.body = json.dumps({"response_action": "update", "view": notice_view(message)})
        else:
            response.body = json.dumps({"response_type": "ephemeral", "text": message})
        return
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        try:
            respond(text=message, response_type="ephemeral", replace_original=False)
        except Exception:
            logger.warning("could not tell the user about the error")
