"""The app factory: `create_app(settings, db=..., clock=...)` returns a wired Bolt App.

No module-level app: tests, the console and each server worker build their own.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

import handlers
from bot.clock import Clock, SystemClock
from bot.config import Settings
from handlers.common import SORRY, USER_ERRORS
from storage.db import Database

log = logging.getLogger(__name__)


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
) -> App:
    """A Bolt app with every listener registered and `db`, `clock` and `settings`
    available to listeners as arguments."""
    if not socket_mode:
        settings.require("slack_signing_secret")
    clock = clock or SystemClock()
    app = App(
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        token=settings.slack_bot_token,
        client=client or make_client(settings),
        process_before_response=process_before_response,
        token_verification_enabled=False,
        ignoring_self_events_enabled=True,
        raise_error_for_unhandled_request=False,
        url_verification_enabled=True,
    )

    @app.middleware
    def inject(context: Any, next: Callable[[], BoltResponse]) -> BoltResponse:
        context["db"] = db
        context["clock"] = clock
        context["settings"] = settings
        return next()

    handlers.register(app)
    app.event(re.compile(".*"))(_ignore)  # acknowledge the rest, or Slack retries them
    app.error(_on_error)
    return app


def _ignore() -> None:
    """Events we don't act on still get their 200."""


def _on_error(error: Exception, body: dict[str, Any], respond: Any, logger: Any) -> None:
    """The last word on a failure: the person learns what happened, in private."""
    if isinstance(error, USER_ERRORS):
        message = str(error)
    else:
        logger.exception("Listener failed", exc_info=error)
        message = SORRY
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        try:
            respond(text=message, response_type="ephemeral", replace_original=False)
        except Exception:
            logger.warning("could not tell the user about the error")
