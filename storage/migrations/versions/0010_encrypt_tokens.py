"""Tokens at rest: seal the installation store's tokens with COACH_ENCRYPTION_KEY.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

Upgrade seals every secret column (storage.token_cipher.SECRET_COLUMNS) of every row
with the first key, when the key is set (`Database.upgrade(token_keys=...)`; `coach`
passes COACH_ENCRYPTION_KEY); without it the tokens stay as they are, and it says so.
Downgrade opens them again (it needs the key that sealed them). Sealed values start
`fernet:`, so a row sealed already, or one still plain, is left alone: running either
way twice, or over a half-done table, is safe.

A sealed token is longer than the 200 characters slack_sdk's columns allow (PostgreSQL
holds it to that), so on PostgreSQL the columns become TEXT, and VARCHAR(200) again on
downgrade. SQLite does not enforce the length: nothing to alter there (plain UPDATEs, no
batch, which would copy and drop the tables).
"""

import logging
from collections.abc import Sequence

from alembic import context, op

from storage.token_cipher import (
    KEY_SETTING,
    SECRET_COLUMNS,
    TokenCipher,
    TokenKeyError,
    open_without_key,
    reseal,
)

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

log = logging.getLogger("storage.migrations")


def _cipher() -> TokenCipher | None:
    return TokenCipher.from_keys(context.config.attributes.get("token_keys"))


def _column_type(sql_type: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table_name, names in SECRET_COLUMNS.items():
        changes = ", ".join(f"ALTER COLUMN {name} TYPE {sql_type}" for name in names)
        op.execute(f"ALTER TABLE {table_name} {changes}")


def upgrade() -> None:
    _column_type("TEXT")
    cipher = _cipher()
    if cipher is None:
        log.warning(
            "%s is not set: the Slack tokens stay in plain text (set it, then run "
            "`coach keys rotate` to encrypt them)",
            KEY_SETTING,
        )
        return
    rows = reseal(op.get_bind(), cipher.seal)
    log.info("Encrypted the Slack tokens of %d installation and bot rows", rows)


def downgrade() -> None:
    cipher = _cipher()
    try:
        rows = reseal(op.get_bind(), cipher.open if cipher else open_without_key)
    except TokenKeyError as err:
        # No traceback to read through: say what to set (nothing has changed).
        raise TokenKeyError(f"{err} (the downgrade changed nothing)") from None
    if cipher is None:
        log.info("%s is not set: no token was encrypted, nothing to decrypt", KEY_SETTING)
    else:
        log.info("Decrypted the Slack tokens of %d installation and bot rows", rows)
    _column_type("VARCHAR(200)")
