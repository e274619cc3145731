"""The Slack Web API client the bot uses everywhere: slack_sdk's own retry handlers (429
honouring Retry-After, 5xx and dropped connections with backoff), each call within a time
budget, retries included, so that a fault gets an answer and not a hang.

    client = make_client(settings)                      # a request's path: 10 s at most
    client = make_client(settings, token, budget=JOB_BUDGET)
"""

from __future__ import annotations

import logging
import random
import socket
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.error import URLError

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.webhook import WebhookClient, WebhookResponse

from bot import metrics
from bot.config import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SlackBudget:
    """How long one Web API call may take, retries included: an attempt gives up after
    `attempt` seconds without an answer, and no retry is made that could end more than
    `total` seconds after the call began."""

    attempt: int
    total: float


# Someone is waiting for the answer (a reply, a modal, a redraw): give up within 10 s.
REQUEST_BUDGET = SlackBudget(attempt=2, total=10.0)
# A post no one is waiting on (the thread reply to a mention, a celebration) can wait out
# a 429 storm: arriving late is better than never.
POST_BUDGET = SlackBudget(attempt=5, total=60.0)
# A scheduled job can wait out a longer Retry-After, within its run's own budget.
JOB_BUDGET = SlackBudget(attempt=15, total=120.0)


class _WithinBudget:
    """Mixed into slack_sdk's retry handlers: they retry as before, but never make a retry
    whose wait and attempt could end past the call's budget. The call's start is taken
    as its first failure less one attempt (each attempt lasts at most `budget.attempt`)."""

    budget: SlackBudget
    reason = "error"  # what the metrics call the fault it retries

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
                _method(request),
                wait,
                self.budget.total,
            )
            return False
        values["coach.wait"] = wait
        metrics.SLACK_RETRIES.labels(method=_method(request), reason=self.reason).inc()
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

    reason = "ratelimited"

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        limited = super()._can_retry(state=state, request=request, response=response, error=error)
        if limited:
            metrics.SLACK_RATE_LIMITED.labels(method=_method(request)).inc()
        return limited

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

    reason = "server_error"


class ConnectionErrorRetry(_WithinBudget, ConnectionErrorRetryHandler):
    """Dropped and refused connections, with backoff."""

    reason = "connection"


def _method(request: HttpRequest) -> str:
    """The Web API method a request calls ("chat.postMessage"); "response_url" for a post
    to one (its path is a one-time secret, and no label)."""
    path = request.url.split("?", 1)[0]
    return path.rsplit("/", 1)[-1] if "/api/" in path else "response_url"


class CoachClient(WebClient):
    """slack_sdk's WebClient, counting every call by method and outcome (bot/metrics.py)."""

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        try:
            response = super().api_call(api_method, **kwargs)
        except Exception as err:
            metrics.SLACK_CALLS.labels(method=api_method, outcome=error_code(err)).inc()
            raise
        metrics.SLACK_CALLS.labels(method=api_method, outcome="ok").inc()
        return response


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
    return CoachClient(
        token=token or settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=budget.attempt,
        retry_handlers=retry_handlers(budget),
        team_id=team_id,
    )


class RetryingRespond(Respond):
    """Bolt's `respond()`, but through slack_sdk's retry handlers within `REQUEST_BUDGET`:
    Bolt's own WebhookClient only retries dropped connections and returns a 429/5xx
    answer silently."""

    def __call__(  # type: ignore[override]
        self, text: str | dict[str, Any] = "", **kwargs: Any
    ) -> WebhookResponse:
        if self.response_url is None:
            return super().__call__(text, **kwargs)
        fields = dict(text) if isinstance(text, dict) else {"text": text, **kwargs}
        client = WebhookClient(
            url=self.response_url,
            proxy=self.proxy,
            ssl=self.ssl,
            timeout=REQUEST_BUDGET.attempt,
            retry_handlers=retry_handlers(REQUEST_BUDGET),
        )
        return client.send(**{k: v for k, v in fields.items() if k in _SENDABLE})


_SENDABLE = frozenset(
    (
        "text",
        "blocks",
        "attachments",
        "response_type",
        "replace_original",
        "delete_original",
        "unfurl_links",
        "unfurl_media",
        "metadata",
    )
)


# Looked up before a request is answered (who is asking): Slack's 3 seconds are shared
# with the database work that follows.
LOOKUP_BUDGET = SlackBudget(attempt=1, total=1.0)


def within(client: WebClient, budget: SlackBudget) -> WebClient:
    """The same client (token, workspace, host) with calls held to `budget`."""
    return CoachClient(
        token=client.token,
        base_url=client.base_url,
        timeout=budget.attempt,
        retry_handlers=retry_handlers(budget),
        team_id=client.default_params.get("team_id"),  # an org-wide token names its team
    )


class Gone(StrEnum):
    """What a permanent Slack error says is gone for good: retrying only fails again."""

    CHANNEL = "channel"  # the bot was removed from it, it was archived or deleted
    PERSON = "person"  # the person was deactivated, or can't be found or written to
    TOKEN = "token"  # the workspace's token no longer works (revoked, deleted workspace)


# Slack's errors that no retry can cure, and what each says is gone. `account_inactive`
# is the token's: "Authentication token is for a deleted user or workspace".
PERMANENT: dict[str, Gone] = {
    "not_in_channel": Gone.CHANNEL,
    "channel_not_found": Gone.CHANNEL,
    "is_archived": Gone.CHANNEL,
    "user_not_found": Gone.PERSON,
    "user_disabled": Gone.PERSON,
    "user_not_visible": Gone.PERSON,
    "cannot_dm_bot": Gone.PERSON,
    "account_inactive": Gone.TOKEN,
    "invalid_auth": Gone.TOKEN,
    "not_authed": Gone.TOKEN,
    "token_revoked": Gone.TOKEN,
    "token_expired": Gone.TOKEN,
    "team_not_found": Gone.TOKEN,
}


def error_code(err: BaseException) -> str:
    """Slack's error code for a refused call ("not_in_channel"), else the fault's kind
    ("ratelimited" after the retries ran out, "timeout", "connection")."""
    if isinstance(err, SlackApiError):
        code = err.response.get("error") if err.response is not None else None
        return str(code or f"http_{getattr(err.response, 'status_code', 'error')}")
    if isinstance(err, TimeoutError | socket.timeout):
        return "timeout"
    return "connection" if isinstance(err, OSError | URLError) else type(err).__name__


def permanent(err: BaseException) -> Gone | None:
    """What a Slack error says is gone for good, or None when a later try may succeed."""
    return PERMANENT.get(error_code(err)) if isinstance(err, SlackApiError) else None
