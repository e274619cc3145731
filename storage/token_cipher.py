"""Tokens at rest: the secret columns of slack_sdk's installation store, sealed with Fernet.

A sealed value reads `fernet:<Fernet token>`; a Slack token never starts so, so a plain
value (a row written before the key was set) and a sealed one tell themselves apart, and
sealing or opening either twice is harmless. `COACH_ENCRYPTION_KEY` holds one key or
several, comma-separated: the first seals, any of them opens (a `MultiFernet`), so that
`coach keys rotate` with "new,old" can re-seal every row under the new key.

    cipher = TokenCipher.from_keys("new-key,old-key")
    cipher.seal("xoxb-1-2")            # 'fernet:gAAAA...'
    cipher.open(cipher.seal("xoxb-1")) # 'xoxb-1'

`reseal(connection, change)` applies one such change to every secret column of every row
(migration 0010 seals and unseals with it, `coach keys rotate` rotates).
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Mapping

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Connection, bindparam, column, select, table, update

PREFIX = "fernet:"
# What slack_sdk's SQLAlchemy store writes that would let someone act as the app: the
# tokens, their refresh tokens and an incoming webhook's URL (anyone holding it can post).
SECRET_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "slack_installations": (
        "bot_token",
        "bot_refresh_token",
        "user_token",
        "user_refresh_token",
        "incoming_webhook_url",
    ),
    "slack_bots": ("bot_token", "bot_refresh_token"),
}
KEY_SETTING = "COACH_ENCRYPTION_KEY"


class TokenKeyError(Exception):
    """A key is malformed, missing, or not the one that sealed a token; the message says
    which and what to do, and never shows a key or a token."""


def is_sealed(value: str | None) -> bool:
    return bool(value) and str(value).startswith(PREFIX)


def new_key() -> str:
    """A fresh key for COACH_ENCRYPTION_KEY (`coach keys new`)."""
    return Fernet.generate_key().decode()


class TokenCipher:
    """Seals and opens token values with the keys of COACH_ENCRYPTION_KEY."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise TokenKeyError(f"{KEY_SETTING} holds no key: make one with `coach keys new`")
        fernets = []
        for number, key in enumerate(keys, 1):
            try:
                fernets.append(Fernet(key.encode()))
            except (ValueError, binascii.Error):
                which = f"key {number} of {len(keys)}" if len(keys) > 1 else "its key"
                raise TokenKeyError(
                    f"{KEY_SETTING}: {which} is not a Fernet key (44 characters of url-safe "
                    "base64): make one with `coach keys new`"
                ) from None
        self._fernet = MultiFernet(fernets)

    @classmethod
    def from_keys(cls, raw: str | None) -> TokenCipher | None:
        """The cipher of a COACH_ENCRYPTION_KEY value, or None when it is unset."""
        if not raw or not raw.strip():
            return None
        return cls([key.strip() for key in raw.split(",") if key.strip()])

    def seal(self, value: str | None) -> str | None:
        if not value or is_sealed(value):
            return value
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, value: str | None) -> str | None:
        if not is_sealed(value):
            return value
        assert value is not None
        try:
            return self._fernet.decrypt(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise TokenKeyError(wrong_key()) from None

    def rotate(self, value: str | None) -> str | None:
        """`value` sealed under the first key (a plain value is sealed)."""
        if not is_sealed(value):
            return self.seal(value)
        assert value is not None
        try:
            return PREFIX + self._fernet.rotate(value.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise TokenKeyError(wrong_key()) from None


def wrong_key() -> str:
    return (
        f"a stored Slack token can't be decrypted with {KEY_SETTING}: keep the key that "
        'encrypted it in the list ("new,old") until `coach keys rotate` has run'
    )


def no_key() -> str:
    return (
        f"a stored Slack token is encrypted but {KEY_SETTING} is not set: set it to the "
        "key that encrypted the tokens"
    )


def open_without_key(value: str | None) -> str | None:
    """What a store without a key reads: plain values, and never a sealed one."""
    if is_sealed(value):
        raise TokenKeyError(no_key())
    return value


def reseal(connection: Connection, change: Callable[[str | None], str | None]) -> int:
    """Apply `change` to every secret column of every installation and bot row, in the
    caller's transaction; the number of rows that hold a secret. Every new value is
    worked out before the first write (a wrong key changes nothing), then one many-rows
    UPDATE a table, by id."""
    planned = []
    for table_name, names in SECRET_COLUMNS.items():
        secrets = table(table_name, column("id"), *(column(name) for name in names))
        found = connection.execute(select(secrets)).mappings().all()
        changes = [
            {"row_id": row["id"], **{f"new_{name}": change(row[name]) for name in names}}
            for row in found
            if any(row[name] for name in names)
        ]
        planned.append((secrets, names, changes))
    for secrets, names, changes in planned:
        if changes:
            statement = (
                update(secrets)
                .where(secrets.c.id == bindparam("row_id"))
                .values({name: bindparam(f"new_{name}") for name in names})
            )
            connection.execute(statement, changes)
    return sum(len(changes) for _, _, changes in planned)
