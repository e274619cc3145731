"""The App Home tab: drawn when a person opens it, and on its Refresh button."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.clock import Clock
from bot.ids import Action
from bot.services.home import mark_opened, publish_home
from handlers.common import privately_answered, team_of
from storage.db import Database


def home_opened(
    event: dict[str, Any],
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    """`app_home_opened`: draw the Home tab (the Messages tab needs nothing)."""
    if event.get("tab", "home") != "home" or not event.get("user"):
        return
    team_id, now = team_of(body, context), clock.now()
    mark_opened(db, team_id=team_id, user_id=event["user"], now=now)
    publish_home(client, db, team_id=team_id, user_id=event["user"], now=now)


def refresh(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    db: Database,
    clock: Clock,
) -> None:
    ack()
    publish_home(
        client, db, team_id=team_of(body, context), user_id=body["user"]["id"], now=clock.now()
    )


def register(app: App) -> None:
    app.event("app_home_opened")(home_opened)
    app.action(Action.HOME_REFRESH.value)(privately_answered(refresh))
