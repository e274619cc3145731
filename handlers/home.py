"""The App Home tab: drawn when a person opens it, and on its Refresh button."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.domain.people import Actor
from bot.ids import Action
from bot.services.home import mark_opened
from handlers.after import PublishHome
from handlers.context import Deps, Incoming, Reply, clicked, happened


def home_opened(incoming: Incoming, actor: Actor, deps: Deps) -> Reply | None:
    """`app_home_opened`: draw the Home tab (the Messages tab needs nothing)."""
    if incoming.event.get("tab", "home") != "home":
        return None
    mark_opened(deps.db, team_id=actor.team_id, user_id=actor.user_id, now=actor.now)
    return Reply(after=(PublishHome(),))


def refresh(body: dict[str, Any], action: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    return Reply(after=(PublishHome(),))


def register(app: App) -> None:
    app.event("app_home_opened")(happened(home_opened))
    app.action(Action.HOME_REFRESH.value)(clicked(refresh))
