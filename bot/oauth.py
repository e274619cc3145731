"""Many workspaces: OAuth install through Bolt, with slack_sdk's SQLAlchemy installation
and state stores in the bot's own database (tables made by migration 0002)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.config import Settings
from storage.db import Database

BOT_SCOPES = [
    "app_mentions:read",
    "chat:write",
    "commands",
    "files:write",
    "im:write",
    "reactions:read",
    "users:read",
]


def installation_store(settings: Settings, db: Database) -> SQLAlchemyInstallationStore:
    return SQLAlchemyInstallationStore(
        client_id=settings.slack_client_id or "",
        engine=db.engine,
        bots_table_name="slack_bots",
        installations_table_name="slack_installations",
    )


def oauth_settings(settings: Settings, db: Database) -> OAuthSettings:
    kwargs: dict[str, Any] = {}
    if settings.slack_oauth_authorize_url:
        kwargs["authorization_url"] = settings.slack_oauth_authorize_url
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES,
        installation_store=installation_store(settings, db),
        state_store=SQLAlchemyOAuthStateStore(
            expiration_seconds=600, engine=db.engine, table_name="slack_oauth_states"
        ),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        callback_options=CallbackOptions(success=_installed(db), failure=_failed),
        **kwargs,
    )


def _installed(db: Database) -> Any:
    """After an install: the workspace is (again) one the bot serves; Bolt's own page."""

    def success(args: SuccessArgs) -> BoltResponse:
        from datetime import UTC, datetime

        from storage import queries

        team_id = args.installation.team_id
        if team_id:
            with db.transaction() as session:
                ws = queries.get_or_create_workspace(
                    session, team_id=team_id, now=datetime.now(UTC)
                )
                ws.uninstalled_at = None
        return args.default.success(args)

    return success


def _failed(args: FailureArgs) -> BoltResponse:
    return args.default.failure(args)
