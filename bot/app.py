"""The app factory: `create_app(settings, db=..., clock=...)` returns a wired Bolt App.

No module-level app: tests, the console and each server worker build their own. The app
runs in Bolt's process-before-response mode: each listener answers within its request
(the one ack mechanism, handlers/context.py), and the work after the answer runs on the
app's `LISTENER_THREADS` listener threads.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

import handlers
from bot.channels import Channels
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.oauth import oauth_settings, remember_installations
from bot.people import Directory
from bot.slack import CoachClient, make_client
from handlers.context import Deps, inject
from storage.db import Database

# Work after the acknowledgement runs on this many threads: replies that sit in Slack's
# 429 retries hold a thread each, and must not hold up the others.
LISTENER_THREADS = 64


class CoachApp(App):
    """A Bolt App that knows its signing secret, which `bot.server` checks requests against
    before Bolt parses them."""

    signing_secret: str | None = None
    deps: Deps | None = None  # what listeners are given (the console forgets a changed person)

    def _init_context(self, req: BoltRequest) -> None:
        """Bolt's per-request client, as a `CoachClient` (the same settings, counted)."""
        super()._init_context(req)
        made = req.context["client"]
        req.context["client"] = CoachClient(
            token=made.token,
            base_url=made.base_url,
            timeout=made.timeout,
            ssl=made.ssl,
            proxy=made.proxy,
            headers=made.headers,
            team_id=made.default_params.get("team_id"),
            logger=made.logger,
            retry_handlers=made.retry_handlers,
        )


def create_app(
    settings: Settings,
    *,
    db: Database,
    clock: Clock | None = None,
    client: WebClient | None = None,
    socket_mode: bool = False,
) -> CoachApp:
    """A Bolt app with every listener registered, and each request's `deps` and `actor`
    injected (handlers/context.py). Listeners get `db` with a deadline on each transaction
    (`settings.db_timeout_seconds`), and a Slack client within `bot.slack.REQUEST_BUDGET`:
    a fault gets an answer inside Slack's 3 seconds, not a hang."""
    if not socket_mode:
        settings.require("slack_signing_secret")
    db = db.with_timeout(settings.db_timeout_seconds)
    deps = Deps(
        db=db,
        clock=clock or SystemClock(),
        settings=settings,
        people=Directory(db),
        channels=Channels(),
    )
    oauth = oauth_settings(settings, db) if settings.oauth_enabled and not socket_mode else None
    app = CoachApp(
        signing_secret=settings.slack_signing_secret or "",
        request_verification_enabled=not socket_mode,
        oauth_settings=oauth,
        # In OAuth mode the client has no token: Bolt's authorize finds each request's.
        client=client or make_client(settings),
        process_before_response=True,
        listener_executor=ThreadPoolExecutor(
            max_workers=LISTENER_THREADS, thread_name_prefix="coach-listener"
        ),
        token_verification_enabled=False,
        ignoring_self_events_enabled=True,
        raise_error_for_unhandled_request=False,
        url_verification_enabled=True,
    )
    app.signing_secret = settings.slack_signing_secret
    app.deps = deps
    app.middleware(inject(deps))
    if oauth is not None:
        app.middleware(remember_installations(db))
    handlers.register(app)
    return app
