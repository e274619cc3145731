"""Uninstalls: `app_uninstalled` and `tokens_revoked` stop every message to that workspace.

Its data is kept (a reinstall picks up where it left off); `coach export` takes a copy and
the README says how to delete it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltContext

from bot.clock import Clock
from bot.config import Settings
from storage import queries
from storage.db import Database

log = logging.getLogger(__name__)


def uninstalled(
    body: dict[str, Any], context: BoltContext, db: Database, clock: Clock, settings: Settings
) -> None:
    team_id = context.team_id or body.get("team_id")
    if not team_id:
        return
    _stop(team_id, db, clock, settings)


def tokens_revoked(
    event: dict[str, Any],
    body: dict[str, Any],
    context: BoltContext,
    db: Database,
    clock: Clock,
    settings: Settings,
) -> None:
    team_id = context.team_id or body.get("team_id")
    if team_id and (event.get("tokens") or {}).get("bot"):
        _stop(team_id, db, clock, settings)


def _stop(team_id: str, db: Database, clock: Clock, settings: Settings) -> None:
    with db.transaction() as session:
        ws = queries.get_or_create_workspace(session, team_id=team_id, now=clock.now())
        ws.uninstalled_at = clock.now()
    if settings.oauth_enabled:
        from bot.oauth import installation_store

        installation_store(settings, db).delete_all(enterprise_id=None, team_id=team_id)
    log.info("Workspace %s uninstalled the app: no more messages to it", team_id)


def register(app: App) -> None:
    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
