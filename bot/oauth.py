"""Many workspaces: OAuth install through Bolt, with slack_sdk's SQLAlchemy installation
and state stores in the bot's own database (tables made by migration 0002), its tokens
sealed with COACH_ENCRYPTION_KEY when that is set (`installation_store`).

The store keys an installation by (enterprise_id, team_id): a plain workspace is (None, T),
a workspace of an Enterprise Grid org installed on its own is (E, T), and an org-wide
install is (E, None) with `is_enterprise_install`, one token for every workspace of the
org. A scheduled job knows only a workspace's team_id, so each workspace row remembers its
org and whether its install is org-wide (migration 0006): filled on install and on each
request, read by `WorkspaceBots` the way Bolt's own authorize reads the store.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

from bot.config import ConfigError, Settings
from storage import workspaces
from storage.db import Database
from storage.installation_store import SealedInstallationStore
from storage.token_cipher import KEY_SETTING, reseal

log = logging.getLogger(__name__)

BOT_SCOPES = [
    "app_mentions:read",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:read",
    "im:read",
    "im:write",
    "mpim:read",
    "reactions:read",
    "users:read",
]


def installation_store(settings: Settings, db: Database) -> SealedInstallationStore:
    """The one installation store every reader and writer uses: Bolt's OAuth flow and
    authorize, the jobs' clients, uninstalls. Its tokens are sealed with
    COACH_ENCRYPTION_KEY when that is set (storage/installation_store.py)."""
    return SealedInstallationStore(
        client_id=settings.slack_client_id or "",
        engine=db.engine,
        cipher=settings.token_cipher(),
    )


def warn_if_tokens_in_plain_text(settings: Settings) -> None:
    """One line at start-up, in OAuth mode without COACH_ENCRYPTION_KEY."""
    if settings.oauth_enabled and not settings.encryption_key:
        log.warning(
            "%s is not set: the workspaces' Slack tokens are stored in plain text (make a "
            "key with `coach keys new`; README, Tokens at rest)",
            KEY_SETTING,
        )


def require_key(settings: Settings) -> None:
    if not settings.encryption_key:
        raise ConfigError(
            f"{KEY_SETTING} is not set: make a key with `coach keys new` and add it to the "
            "environment or .env"
        )


def rotate_tokens(settings: Settings, db: Database) -> int:
    """`coach keys rotate`: every stored token sealed again with the first key of
    COACH_ENCRYPTION_KEY (a plain one sealed), in one transaction; how many rows. A token
    none of the keys opens raises TokenKeyError, and nothing changes."""
    require_key(settings)
    cipher = settings.token_cipher()
    assert cipher is not None
    with db.engine.begin() as connection:
        return reseal(connection, cipher.rotate)


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


@dataclass(frozen=True)
class InstallationKey:
    """Which installation a request or a workspace belongs to.

    `team_id` is the workspace (None for an org-level event such as an org-wide
    uninstall); `store_team_id` is the team_id the installation store files it under."""

    team_id: str | None
    enterprise_id: str | None
    is_enterprise_install: bool

    @property
    def store_team_id(self) -> str | None:
        return None if self.is_enterprise_install else self.team_id


def installation_key(context: Any, body: dict[str, Any]) -> InstallationKey:
    """The installation a Slack request comes from, from what Bolt put in its context.

    An org-wide install's events name the org and, when they happen in a workspace, that
    workspace (in the envelope's team_id: their authorization has team_id None); an event
    with an org and no workspace (an org-wide `app_uninstalled`) is about the org."""
    enterprise_id = context.get("enterprise_id")
    team = context.get("team_id") or body.get("team_id") or (body.get("team") or {}).get("id")
    org_wide = bool(context.get("is_enterprise_install")) or (bool(enterprise_id) and not team)
    return InstallationKey(team or None, enterprise_id or None, org_wide)


class WorkspaceBots:
    """Each workspace's bot (its token) in the installation store, found as Bolt's
    authorize finds it: a workspace of an org-wide install by its org's id."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self._store = installation_store(settings, db)
        self._db = db

    def find(self, team_id: str) -> Bot | None:
        """The newest bot with a token that serves `team_id`, or None when not installed."""
        with self._db.transaction() as session:
            enterprise_id, org_wide = workspaces.installation_of(session, team_id=team_id)
        return self._store.find_bot(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=org_wide
        )


def remember_installations(
    db: Database,
) -> Callable[[Any, dict[str, Any], Callable[[], BoltResponse]], BoltResponse]:
    """A Bolt middleware: note on a Grid workspace's row which installation serves it, so
    the jobs can find its token (a plain workspace's install callback said all there is).
    Once per workspace and process: one short write, the first time it is seen."""
    noted: set[InstallationKey] = set()

    def note(key: InstallationKey) -> None:
        assert key.team_id is not None
        with db.transaction() as session:
            workspaces.remember_installation(
                session,
                team_id=key.team_id,
                enterprise_id=key.enterprise_id,
                is_enterprise_install=key.is_enterprise_install,
                now=datetime.now(UTC),
            )
        noted.add(key)

    def middleware(
        context: Any, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        key = installation_key(context, body)
        if key.team_id and key.enterprise_id and key not in noted:
            note(key)
        return next()

    return middleware


def _installed(db: Database) -> Any:
    """After an install: the workspace (or every known workspace of an org that installed
    org-wide) is again one the bot serves, and remembers its installation; Bolt's own page."""

    def success(args: SuccessArgs) -> BoltResponse:
        _serve_again(db, args.installation, datetime.now(UTC))
        return args.default.success(args)

    return success


def _serve_again(db: Database, installation: Installation, now: datetime) -> None:
    with db.transaction() as session:
        if installation.is_enterprise_install and installation.enterprise_id:
            served = workspaces.org_workspaces(session, enterprise_id=installation.enterprise_id)
            log.info("Org %s installed the app org-wide", installation.enterprise_id)
        elif installation.team_id:
            served = [
                workspaces.remember_installation(
                    session,
                    team_id=installation.team_id,
                    enterprise_id=installation.enterprise_id,
                    is_enterprise_install=False,
                    now=now,
                )
            ]
        else:
            served = []
        for ws in served:
            ws.uninstalled_at = None


def _failed(args: FailureArgs) -> BoltResponse:
    return args.default.failure(args)
