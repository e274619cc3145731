"""OAuth: slack_sdk's installation and state stores, in the same database.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

The tables are built by slack_sdk's own SQLAlchemy stores (the library that reads and
writes them), under the names the app configures in bot/oauth.py.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


def _metadata() -> sa.MetaData:
    md = sa.MetaData()
    SQLAlchemyInstallationStore.build_installations_table(md, "slack_installations")
    SQLAlchemyInstallationStore.build_bots_table(md, "slack_bots")
    SQLAlchemyOAuthStateStore.build_oauth_states_table(md, "slack_oauth_states")
    return md


def upgrade() -> None:
    _metadata().create_all(op.get_bind())


def downgrade() -> None:
    _metadata().drop_all(op.get_bind())
