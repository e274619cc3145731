"""Uninstalls: `app_uninstalled` and `tokens_revoked` stop every message to that workspace,
or, for an org-wide install, to every workspace of the org.

Its data is kept (a reinstall picks up where it left off); `coach export` takes a copy and
the README says how to delete it. In OAuth mode the installation is deleted under the key
the store filed it by: (org, workspace) for a workspace, (org, None) for an org-wide one."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt import App, BoltContext
from sqlalchemy.orm import Session

from bot.oauth import InstallationKey, installation_key, installation_store
from handlers.context import Deps
from storage import workspaces
from storage.models import Workspace

log = logging.getLogger(__name__)


def uninstalled(body: dict[str, Any], context: BoltContext) -> None:
    _stop(installation_key(context, body), context["deps"])


def tokens_revoked(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    if (event.get("tokens") or {}).get("bot"):
        _stop(installation_key(context, body), context["deps"])


def _stop(key: InstallationKey, deps: Deps) -> None:
    if not key.team_id and not key.enterprise_id:
        return
    db, settings, now = deps.db, deps.settings, deps.clock.now()
    with db.transaction() as session:
        stopped = _served_by(session, key, now)
        for ws in stopped:
            ws.uninstalled_at = now
        names = sorted(ws.team_id for ws in stopped)
    if settings.oauth_enabled:
        installation_store(settings, db).delete_all(
            enterprise_id=key.enterprise_id, team_id=key.store_team_id
        )
    where = f"org {key.enterprise_id} (org-wide)" if key.is_enterprise_install else key.team_id
    log.info("%s uninstalled the app: no more messages to %s", where, ", ".join(names) or "it")


def _served_by(session: Session, key: InstallationKey, now: datetime) -> list[Workspace]:
    """The workspaces the installation served: the one, or all of an org-wide install's."""
    served: dict[str, Workspace] = {}
    if key.is_enterprise_install and key.enterprise_id:
        served = {
            ws.team_id: ws
            for ws in workspaces.org_workspaces(session, enterprise_id=key.enterprise_id)
        }
    if key.team_id and key.team_id not in served:
        served[key.team_id] = workspaces.get_or_create_workspace(
            session, team_id=key.team_id, now=now
        )
    return list(served.values())


def register(app: App) -> None:
    app.event("app_uninstalled")(uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
