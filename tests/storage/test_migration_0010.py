"""Migration 0010 and `coach keys rotate`, on SQLite and PostgreSQL: rows an older
version wrote in plain text get sealed, the app's store reads them back, the downgrade
restores them exactly; half-sealed tables are safe both ways; a rotation with "new,old"
re-seals every row so that the old key alone reads nothing; a wrong or missing key gets
one clear line and changes nothing."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from sqlalchemy import text

from bot.config import Settings
from bot.oauth import installation_store
from storage.db import Database
from storage.token_cipher import SECRET_COLUMNS, TokenCipher, TokenKeyError
from tests.e2e.test_serve import _clean_env
from tests.storage.test_migrations import empty_db

__all__ = ["empty_db"]  # the fixture, SQLite and PostgreSQL

# Fixed keys: pytest-xdist workers must collect the same test ids.
OLD = base64.urlsafe_b64encode(b"the old key of the tests: 32 byt").decode()
NEW = base64.urlsafe_b64encode(b"the new key of the tests: 32 byt").decode()
CLIENT_ID = "111.222"
REFRESH = "xoxe-1-" + "My0xLTEyMzQ1Njc4OTAxMi0" * 6  # refresh tokens run to ~150 characters
PLAIN = {
    "bot_token": "xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "bot_refresh_token": REFRESH,
    "user_token": "xoxp-1234567890123-1234567890123-1234567890123-0123456789abcdef",
    "user_refresh_token": REFRESH + "u",
    "incoming_webhook_url": "https://hooks.slack.com/services/T0001/B0001/AbCdEfGhIjKlMnOp",
}


def _installation(team_id: str | None, enterprise_id: str | None = None) -> Installation:
    return Installation(
        app_id="A0COACH01",
        enterprise_id=enterprise_id,
        team_id=team_id,
        user_id="UINSTALLER",
        bot_id="B0001",
        bot_user_id="UBOT1",
        is_enterprise_install=team_id is None,
        installed_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp(),
        **PLAIN,
    )


def _rows(db: Database) -> dict[tuple[str, int], dict[str, Any]]:
    """Every row of the store's tables, as stored."""
    found = {}
    with db.engine.connect() as conn:
        for table_name in SECRET_COLUMNS:
            for row in conn.execute(text(f"SELECT * FROM {table_name}")).mappings():
                found[(table_name, row["id"])] = dict(row)
    return found


def _secrets(db: Database) -> list[str]:
    return [
        row[name]
        for (table_name, _), row in _rows(db).items()
        for name in SECRET_COLUMNS[table_name]
        if row[name]
    ]


def _revision(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar())


def _store(db: Database, keys: str | None) -> Any:
    """The store as the app builds it, with COACH_ENCRYPTION_KEY=keys."""
    settings = Settings(
        database_url=db.url,
        slack_client_id=CLIENT_ID,
        slack_client_secret="s",
        encryption_key=keys,
    )
    return installation_store(settings, db)


@pytest.fixture
def plain_rows(empty_db: Database) -> dict[tuple[str, int], dict[str, Any]]:
    """A database at 0009 holding what slack_sdk wrote there before: a workspace's and
    an org-wide installation, with every kind of secret, in plain text."""
    empty_db.upgrade("0009")
    old_store = SQLAlchemyInstallationStore(client_id=CLIENT_ID, engine=empty_db.engine)
    old_store.save(_installation("T0001"))
    old_store.save(_installation(None, "E0001"))
    return _rows(empty_db)


def test_upgrade_seals_plain_rows_and_downgrade_restores_them(
    empty_db: Database, plain_rows: dict[tuple[str, int], dict[str, Any]]
) -> None:
    empty_db.upgrade(token_keys=OLD)

    sealed = _rows(empty_db)
    assert len(sealed) == len(plain_rows) == 4
    for where, row in sealed.items():
        secret = SECRET_COLUMNS[where[0]]
        assert all(row[name].startswith("fernet:") for name in secret), row
        assert {k: v for k, v in row.items() if k not in secret} == {
            k: v for k, v in plain_rows[where].items() if k not in secret
        }
    # A Slack token's own shape, not a bare "xox", which base64 ciphertext can hold by chance.
    assert not [v for v in _secrets(empty_db) if re.search(r"xox[abpe]-\d|hooks\.slack", v)]
    store = _store(empty_db, OLD)
    found = store.find_installation(enterprise_id=None, team_id="T0001")
    assert {name: getattr(found, name) for name in PLAIN} == PLAIN
    org = store.find_bot(enterprise_id="E0001", team_id=None, is_enterprise_install=True)
    assert (org.bot_token, org.bot_refresh_token) == (PLAIN["bot_token"], REFRESH)

    empty_db.downgrade("0009", token_keys=OLD)
    assert _rows(empty_db) == plain_rows


def test_half_sealed_tables_are_safe_both_ways(
    empty_db: Database, plain_rows: dict[tuple[str, int], dict[str, Any]]
) -> None:
    cipher = TokenCipher.from_keys(OLD)
    assert cipher is not None
    with empty_db.engine.begin() as conn:  # one row sealed already, by hand
        sealed = cipher.seal(PLAIN["bot_token"])
        conn.execute(
            text("UPDATE slack_bots SET bot_token = :t WHERE team_id = 'T0001'"), {"t": sealed}
        )
    empty_db.upgrade(token_keys=OLD)
    assert all(value.startswith("fernet:") for value in _secrets(empty_db))
    with empty_db.engine.connect() as conn:  # sealed once, not twice
        kept = conn.execute(text("SELECT bot_token FROM slack_bots WHERE team_id = 'T0001'"))
        assert kept.scalar() == sealed
    with empty_db.engine.begin() as conn:  # one row opened by hand: the downgrade goes on
        conn.execute(
            text("UPDATE slack_bots SET bot_token = :t WHERE team_id = 'T0001'"),
            {"t": PLAIN["bot_token"]},
        )
    empty_db.downgrade("0009", token_keys=OLD)
    assert _rows(empty_db) == plain_rows


def test_without_a_key_the_upgrade_leaves_tokens_and_says_so(
    empty_db: Database,
    plain_rows: dict[tuple[str, int], dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    empty_db.upgrade()
    assert _rows(empty_db) == plain_rows
    assert "COACH_ENCRYPTION_KEY is not set: the Slack tokens stay in plain text" in caplog.text
    assert (
        _store(empty_db, None).find_bot(enterprise_id=None, team_id="T0001").bot_token
        == (PLAIN["bot_token"])
    )


def test_the_downgrade_needs_the_key_that_sealed_the_tokens(
    empty_db: Database, plain_rows: dict[tuple[str, int], dict[str, Any]]
) -> None:
    empty_db.upgrade(token_keys=OLD)
    sealed = _rows(empty_db)
    for keys in (None, NEW):
        with pytest.raises(TokenKeyError, match="changed nothing") as raised:
            empty_db.downgrade("0009", token_keys=keys)
        assert OLD not in str(raised.value) and "fernet:" not in str(raised.value)
        # 0010 isn't undone (a later migration may be: SQLite's DDL isn't transactional)
        assert _rows(empty_db) == sealed and _revision(empty_db) >= "0010"
    with pytest.raises(TokenKeyError, match="COACH_ENCRYPTION_KEY is not set"):
        _store(empty_db, None).find_bot(enterprise_id=None, team_id="T0001")


def _coach(db: Database, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`coach ARGS` in its own process, away from any .env, as an operator runs it."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=cwd,
        env=_clean_env(DATABASE_URL=db.url, SLACK_CLIENT_ID=CLIENT_ID, **env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_rotate_reseals_with_the_new_key(
    empty_db: Database, plain_rows: dict[tuple[str, int], dict[str, Any]], tmp_path: Path
) -> None:
    empty_db.upgrade(token_keys=OLD)
    before = _rows(empty_db)

    done = _coach(empty_db, tmp_path, "keys", "rotate", COACH_ENCRYPTION_KEY=f"{NEW},{OLD}")

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "Re-encrypted the Slack tokens of 4 installation and bot rows with the first key of "
        "COACH_ENCRYPTION_KEY; the other keys can go."
    )
    assert all(value.startswith("fernet:") for value in _secrets(empty_db))
    assert _secrets(empty_db) != [v for row in before.values() for v in row.values()]
    assert _store(empty_db, NEW).find_installation(enterprise_id=None, team_id="T0001").user_token
    with pytest.raises(TokenKeyError, match="can't be decrypted"):
        _store(empty_db, OLD).find_bot(enterprise_id=None, team_id="T0001")
    # Rolling back: `coach db downgrade` needs the key that sealed them, and opens them.
    refused = _coach(empty_db, tmp_path, "db", "downgrade", "0009", COACH_ENCRYPTION_KEY=OLD)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr, refused.stderr
    assert "can't be decrypted with COACH_ENCRYPTION_KEY" in refused.stderr
    assert "(the downgrade changed nothing)" in refused.stderr and _revision(empty_db) >= "0010"
    done = _coach(empty_db, tmp_path, "db", "downgrade", "0009", COACH_ENCRYPTION_KEY=NEW)
    assert (done.returncode, done.stdout) == (0, "Database is at revision 0009.\n"), done.stderr
    assert _rows(empty_db) == plain_rows


def test_rotate_with_a_wrong_or_missing_key_says_so_in_one_line(
    empty_db: Database, plain_rows: dict[tuple[str, int], dict[str, Any]], tmp_path: Path
) -> None:
    empty_db.upgrade(token_keys=OLD)
    sealed = _rows(empty_db)
    cases = {
        NEW: (1, "coach: a stored Slack token can't be decrypted with COACH_ENCRYPTION_KEY"),
        "": (2, "coach: COACH_ENCRYPTION_KEY is not set: make a key with `coach keys new`"),
        "not-a-key": (2, "coach: COACH_ENCRYPTION_KEY: its key is not a Fernet key"),
        f"{NEW},oops": (2, "coach: COACH_ENCRYPTION_KEY: key 2 of 2 is not a Fernet key"),
    }
    for keys, (code, line) in cases.items():
        done = _coach(empty_db, tmp_path, "keys", "rotate", COACH_ENCRYPTION_KEY=keys)
        assert (done.returncode, done.stdout) == (code, ""), done.stderr
        said = [said for said in done.stderr.splitlines() if said.startswith("coach:")]
        assert len(said) == 1 and said[0].startswith(line), done.stderr
        assert "Traceback" not in done.stderr
        assert "oops" not in done.stderr and (not keys or keys.split(",")[0] not in done.stderr)
        assert _rows(empty_db) == sealed


def test_keys_new_prints_a_key_that_works(tmp_path: Path) -> None:
    done = _coach(Database("sqlite://"), tmp_path, "keys", "new", COACH_ENCRYPTION_KEY="bad")
    assert done.returncode == 0, done.stderr
    cipher = TokenCipher.from_keys(done.stdout.strip())
    assert cipher is not None and cipher.open(cipher.seal("xoxb-1")) == "xoxb-1"
