"""Running the bot for real: HTTP mode under gunicorn, or Socket Mode."""

from __future__ import annotations

import atexit
import json
import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.app import create_app
from bot.config import ConfigError, Settings
from bot.jobs import JobContext, job_clients, registry
from bot.oauth import warn_if_tokens_in_plain_text
from bot.scheduler import next_runs, run_job, start_scheduler
from bot.server import WSGIApp, run_gunicorn, wsgi_app
from storage import workspaces
from storage.db import Database

log = logging.getLogger(__name__)


def serve(
    settings: Settings,
    *,
    host: str,
    port: int,
    workers: int | None,
    threads: int,
    scheduler: bool,
) -> int:
    settings.require("slack_signing_secret")
    _require_tokens(settings)
    warn_if_tokens_in_plain_text(settings)
    setup = Database(settings.database_url)  # once, before the workers fork
    setup.upgrade(token_keys=settings.encryption_key)
    mark_installed(settings, setup)
    setup.dispose()
    if workers is None:  # SQLite has one writer: more processes only queue on its lock
        workers = 1 if settings.database_url.startswith("sqlite") else 2

    def build() -> WSGIApp:
        db = Database(settings.database_url)
        app = create_app(settings, db=db)
        if scheduler:
            start_scheduler(settings, db=db)
        return wsgi_app(app, db)

    log.info("Serving on http://%s:%s/slack/events with %s workers", host, port, workers)
    scrapes = _metrics_for_workers(settings)
    run_gunicorn(
        build,
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        on_starting=scrapes,
        child_exit=metrics.process_gone if scrapes else None,
    )
    return 0


def _metrics_for_workers(settings: Settings) -> Callable[[], None] | None:
    """With COACH_METRICS_PORT: every worker writes its figures to a fresh directory
    (removed at exit), and gunicorn's master answers scrapes with their sum."""
    port = settings.metrics_port
    if port is None:
        return None
    directory = tempfile.mkdtemp(prefix="coach-metrics-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    metrics.use_directory(directory)
    return lambda: metrics.serve_metrics(settings.metrics_host, port, many=True)


def _own_metrics(settings: Settings) -> None:
    """With COACH_METRICS_PORT: this one process answers scrapes with its figures."""
    if settings.metrics_port is not None:
        metrics.serve_metrics(settings.metrics_host, settings.metrics_port)


def socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler  # start-up time: only here

    settings.require("slack_bot_token", "slack_app_token")
    _own_metrics(settings)
    db = Database(settings.database_url)
    db.upgrade(token_keys=settings.encryption_key)
    mark_installed(settings, db)
    app = create_app(settings, db=db, socket_mode=True)
    log.info("Connecting to Slack in Socket Mode")
    stop = _stop_on_signals()
    handler = SocketModeHandler(app, settings.slack_app_token)
    try:
        handler.connect()
    except SlackApiError as err:
        raise SlackUnavailable(
            f"Slack refused the connection ({err.response.get('error')}): check "
            "SLACK_APP_TOKEN (an app-level token with connections:write) and SLACK_BOT_TOKEN"
        ) from None
    except (URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise SlackUnavailable(
            f"could not reach Slack at {settings.slack_api_url} ({reason}): check the "
            "network, or SLACK_API_URL"
        ) from None
    scheduler = None
    if settings.scheduler_enabled:  # once the app is up and connected
        scheduler = start_scheduler(
            settings, db=db, clients=job_clients(settings, db, socket_mode=True)
        )
    log.info("Connected: Automation Coach is listening")
    stop.wait()
    log.info("Stopping: finishing the messages in flight")
    if scheduler is not None:
        scheduler.shutdown(wait=True)  # a running job finishes its message, none starts
    drain(handler, app)
    db.dispose()
    log.info("Stopped")
    return 0


def _stop_on_signals() -> threading.Event:
    """An event that SIGTERM or Ctrl-C (SIGINT) sets, from now on."""
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def drain(handler: Any, app: Any) -> None:
    """Stop Socket Mode gently: take no new message off the queue, let the ones being
    handled finish and send their acknowledgements over the still-open connection, then
    close it, and let the follow-ups (replies, redraws) finish. A message received but not
    yet started is never acknowledged, so Slack delivers it again, to another connection
    or after the restart; the event's id keeps that from counting twice."""
    client = handler.client
    # slack_sdk's processor loops until the client is closed (`while not self.closed`),
    # so its runner's shutdown() alone waits forever. Marked closed, it returns within a
    # second (its queue's timeout) and reconnects no more; the socket stays open for acks.
    client.auto_reconnect_enabled = False
    client.closed = True
    if client.message_processor.is_alive():
        client.message_processor.shutdown()
    client.message_workers.shutdown(wait=True)
    handler.close()
    app.listener_runner.listener_executor.shutdown(wait=True)


def _require_tokens(settings: Settings) -> None:
    """A bot token, or OAuth's client id and secret (each workspace's token is then in
    its installation)."""
    if not settings.has_slack_tokens:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)"
        )


class SlackUnavailable(Exception):
    """Slack could not be reached or refused us; the message says what to check."""


def _parse_now(raw: str | None) -> datetime:
    if not raw:
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ConfigError(
            f"--now {raw!r} is not an ISO-8601 time like 2026-11-30T09:00:00Z"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def jobs_command(settings: Settings, action: str, name: str | None, now_text: str | None) -> int:

    if action == "list":
        now = datetime.now(UTC)
        for job, every, when in next_runs(now):
            print(f"{job:<10} {every:<18} next run {when:%Y-%m-%d %H:%M} UTC")
        return 0
    assert name is not None
    if name not in registry():
        print(f"coach: there is no job {name!r}; jobs: {', '.join(registry())}", file=sys.stderr)
        return 2
    now = _parse_now(now_text)
    _require_tokens(settings)
    db = Database(settings.database_url)
    db.upgrade(token_keys=settings.encryption_key)
    ctx = JobContext(db=db, settings=settings, clients=job_clients(settings, db))
    figures = run_job(name, ctx, now)
    print(json.dumps({"job": name, "now": now.isoformat(), **figures}))
    return 0


def scheduler_only(settings: Settings) -> int:
    """`coach scheduler`: run the jobs until SIGTERM or Ctrl-C, then stop cleanly."""
    _require_tokens(settings)
    warn_if_tokens_in_plain_text(settings)
    db = Database(settings.database_url)
    db.upgrade(token_keys=settings.encryption_key)
    stop = _stop_on_signals()
    _own_metrics(settings)
    scheduler = start_scheduler(settings, db=db)
    stop.wait()
    scheduler.shutdown(wait=True)
    log.info("Scheduler stopped")
    return 0


def mark_installed(settings: Settings, db: Database) -> None:
    """Single-workspace mode: a bot token that works means the app is installed (again),
    so a workspace that once uninstalled it is served again. OAuth installs do the same
    in their success callback."""
    if not settings.slack_bot_token or settings.oauth_enabled:
        return
    client = WebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url, timeout=10)
    try:
        team_id = client.auth_test()["team_id"]
    except Exception as err:  # Slack unreachable: the first request will tell
        log.warning("auth.test failed at start-up: %s", err)
        return
    with db.transaction() as session:
        ws = workspaces.get_or_create_workspace(session, team_id=team_id, now=datetime.now(UTC))
        if ws.uninstalled_at is not None:
            log.info("Workspace %s has the app again: serving it", team_id)
            ws.uninstalled_at = None
