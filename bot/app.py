"""The app factory: `create_app(settings, db=..., clock=...)` returns a wired Bolt App.

No module-level app: tests, the console and each server worker build their own.
"""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltResponse, Respond
from slack_bolt.context.respond.internals import _build_message
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient, WebhookResponse

import handlers
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.messages.modals import notice_view
from handlers.common import USER_ERRORS, apology
from storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)
# Listeners run on this many threads. Bolt's default is 5: five events whose replies sit in
# 429 retries would hold them all, and slash commands would miss their 3-second ack.
LISTENER_THREADS = 64


@dataclass(frozen=True)
class SlackBudget:
    """How long one Web API call may take, retries included: an attempt gives up after
    `attempt` seconds without an answer, and no retry is made that could end more than
    `total` seconds after the call began."""

    attempt: int
    total: float


# Someone is waiting for the answer (a reply, a modal, a redraw): give up within 10 s.
REQUEST_BUDGET = SlackBudget(attempt=2, total=10.0)
# A scheduled job can wait out a longer Retry-After, within its run's own budget.
JOB_BUDGET = SlackBudget(attempt=15, total=120.0)


class _WithinBudget:
    """Mixed into slack_sdk's retry handlers: they retry as before, but never make a retry
    whose wait and attempt could end past the call's budget. The call's start is taken
    as its first failure less one attempt (each attempt lasts at most `budget.attempt`)."""

    budget: SlackBudget

    def __init__(self, *, budget: SlackBudget, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.budget = budget

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super().can_retry(  # type: ignore[misc]
            state=state, request=request, response=response, error=error
        ):
            return False
        values = state.custom_values = state.custom_values or {}
        first = values.setdefault("coach.first_failure", time.monotonic())
        wait = self._wait(state, response)
        ends = time.monotonic() + wait + self.budget.attempt
        if ends > first - self.budget.attempt + self.budget.total:
            log.warning(
                "giving up on %s: a retry in %.1f s would pass its %g s budget",
                request.url.rsplit("/", 1)[-1],
                wait,
                self.budget.total,
            )
            return False
        values["coach.wait"] = wait
        return True

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float:
        calculator = self.interval_calculator  # type: ignore[attr-defined]
        return float(calculator.calculate_sleep_duration(state.current_attempt))

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        time.sleep((state.custom_values or {}).pop("coach.wait", 0.0))
        state.increment_current_attempt()


class RateLimitRetry(_WithinBudget, RateLimitErrorRetryHandler):
    """429: wait out Retry-After (plus up to a second of jitter, as slack_sdk does)."""

    def _wait(self, state: RetryState, response: HttpResponse | None) -> float:
        for name, values in (response.headers if response is not None else {}).items():
            if name.lower() == "retry-after" and values:
                try:
                    return float(values[0]) + random.random()
                except ValueError:
                    break
        return 1.0 + random.random()


class ServerErrorRetry(_WithinBudget, ServerErrorRetryHandler):
    """500 and 503, with backoff."""


class ConnectionErrorRetry(_WithinBudget, ConnectionErrorRetryHandler):
    """Dropped and refused connections, with backoff."""


def retry_handlers(budget: SlackBudget = REQUEST_BUDGET) -> list[Any]:
    """slack_sdk's own retry handlers, within `budget`: 429 honouring Retry-After, 5xx and
    dropped connections with backoff."""
    return [
        RateLimitRetry(budget=budget, max_retry_count=8),
        ServerErrorRetry(budget=budget, max_retry_count=4),
        ConnectionErrorRetry(budget=budget, max_retry_count=4),
    ]


def make_client(
    settings: Settings,
    token: str | None = None,
    *,
    budget: SlackBudget = REQUEST_BUDGET,
    team_id: str | None = None,
) -> WebClient:
    """A Web API client whose calls end within `budget`, retries included; `team_id` names
    the workspace an org-wide install's token acts in (slack_sdk sends it with every call)."""
    return WebClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=budget.attempt,
        retry_handlers=retry_handlers(budget),
        team_id=team_id,
    )


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
    available to listeners as arguments. Listeners get `db` with a deadline on each
    transaction (`settings.db_timeout_seconds`), and a Slack client within
    `REQUEST_BUDGET`: a fault gets an answer inside Slack's 3 seconds, not a hang."""
    if not socket_mode:
        settings.require("slack_signing_secret")
    clock = clock or SystemClock()
    db = db.with_timeout(settings.db_timeout_seconds)
    listeners = ThreadPoolExecutor(
        max_workers=LISTENER_THREADS, thread_name_prefix="coach-listener"
    )
    later = Later()
    oauth, remember = None, None
    if settings.oauth_enabled and not socket_mode:
        from bot.oauth import oauth_settings, remember_installations

        oauth = oauth_settings(settings, db)
        remember = remember_installations(db, later)
    # In OAuth mode the client has no token: Bolt's authorize finds each request's.
    client = client or make_client(settings)

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

        if remember is not None:
            app.middleware(remember)
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
            url=self.response_url,
            proxy=self.proxy,
            ssl=self.ssl,
            timeout=REQUEST_BUDGET.attempt,
            retry_handlers=retry_handlers(REQUEST_BUDGET),
        )
        return client.send_dict(message)


def _ignore() -> None:
    """Events we don't act on still get their 200."""


def _on_error(
    error: Exception, body: dict[str, Any], respond: Any, logger: Any, response: Any
) -> None:
    """The last word on a failure: the person learns what happened (and whether anything
    was saved), in private."""
    if isinstance(error, USER_ERRORS):
        message = error.text
    elif isinstance(error, DatabaseUnavailable):
        logger.warning("Listener failed: %s", error)
        message = apology(error)
    else:
        logger.exception("Listener failed", exc_info=error)
        message = apology(error)
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
