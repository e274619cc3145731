"""slack_sdk's SQLAlchemy installation store, with its tokens sealed at rest.

`SealedInstallationStore` wraps the store slack_sdk ships (which still builds the queries
and the rows): what it saves is sealed first (storage.token_cipher), what it finds is
opened before anyone sees it. Bolt's authorize, the OAuth flow, the jobs' clients and
uninstalls all use it (bot/oauth.py builds it). Without a key it writes plain values, as
slack_sdk does, and refuses to hand out a sealed one (TokenKeyError says why).
"""

from __future__ import annotations

import copy
from logging import Logger
from typing import Any, TypeVar

from slack_sdk.oauth.installation_store import Bot, Installation, InstallationStore
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import Engine

from storage.token_cipher import SECRET_COLUMNS, TokenCipher, open_without_key

BOTS_TABLE = "slack_bots"
INSTALLATIONS_TABLE = "slack_installations"
Entity = TypeVar("Entity", Bot, Installation)


class SealedInstallationStore(InstallationStore):
    """An installation store whose secret columns hold `fernet:` values when a cipher is
    given. Same methods, same answers as slack_sdk's own: only the rows differ."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: TokenCipher | None) -> None:
        self.inner = SQLAlchemyInstallationStore(
            client_id=client_id,
            engine=engine,
            bots_table_name=BOTS_TABLE,
            installations_table_name=INSTALLATIONS_TABLE,
        )
        self._cipher = cipher

    @property
    def logger(self) -> Logger:
        return self.inner.logger

    def save(self, installation: Installation) -> None:
        # slack_sdk saves the installation's bot from the same (sealed) object.
        self.inner.save(self._sealed(installation, INSTALLATIONS_TABLE))

    def save_bot(self, bot: Bot) -> None:
        self.inner.save_bot(self._sealed(bot, BOTS_TABLE))

    def find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        found = self.inner.find_bot(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, BOTS_TABLE)

    def find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        found = self.inner.find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            user_id=user_id,
            is_enterprise_install=is_enterprise_install,
        )
        return self._opened(found, INSTALLATIONS_TABLE)

    def delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        self.inner.delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    def delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        self.inner.delete_installation(
            enterprise_id=enterprise_id, team_id=team_id, user_id=user_id
        )

    def _sealed(self, entity: Entity, table_name: str) -> Entity:
        """A copy of `entity` with its secrets sealed (the caller's object is left as is)."""
        if self._cipher is None:
            return entity
        sealed = copy.copy(entity)
        for name in SECRET_COLUMNS[table_name]:
            setattr(sealed, name, self._cipher.seal(getattr(entity, name, None)))
        return sealed

    def _opened(self, entity: Entity | None, table_name: str) -> Entity | None:
        """`entity` (fresh from the database) with its secrets opened, in place."""
        if entity is None:
            return None
        opener: Any = self._cipher.open if self._cipher is not None else open_without_key
        for name in SECRET_COLUMNS[table_name]:
            setattr(entity, name, opener(getattr(entity, name, None)))
        return entity
