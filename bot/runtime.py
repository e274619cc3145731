"""Running the bot for real: HTTP mode under gunicorn, or Socket Mode."""

from __future__ import annotations

import logging

from bot.app import create_app
from bot.config import ConfigError, Settings
from bot.server import WSGIApp, run_gunicorn, wsgi_app
from storage.db import Database

log = logging.getLogger(__name__)


def serve(
    settings: Settings, *, host: str, port: int, workers: int, threads: int, scheduler: bool
) -> int:
    settings.require("slack_signing_secret")
    if not settings.has_slack_tokens:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)"
        )
    Database(settings.database_url).upgrade()  # once, before the workers fork

    def build() -> WSGIApp:
        db = Database(settings.database_url)
        app = create_app(settings, db=db)
        if scheduler:
            from bot.scheduler import start_scheduler

            start_scheduler(settings, db=db)
        return wsgi_app(app, db)

    log.info("Serving on http://%s:%s/slack/events with %s workers", host, port, workers)
    run_gunicorn(build, host=host, port=port, workers=workers, threads=threads)
    return 0


def socket_mode(settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings.require("slack_bot_token", "slack_app_token")
    db = Database(settings.database_url)
    db.upgrade()
    app = create_app(settings, db=db, socket_mode=True)
    if settings.scheduler_enabled:
        from bot.scheduler import start_scheduler

        start_scheduler(settings, db=db)
    log.info("Connecting to Slack in Socket Mode")
    SocketModeHandler(app, settings.slack_app_token).start()
    return 0
