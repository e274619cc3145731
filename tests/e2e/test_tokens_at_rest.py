"""Tokens at rest, through the production wiring: `coach serve` in OAuth mode with
COACH_ENCRYPTION_KEY, workspaces installed through the OAuth flow against the fake Slack
(a plain one, a Grid workspace, an org-wide install, one with a long rotating-style
token), then requests and `coach jobs run nudges`: the database holds no plain token, and
each request and each DM still carries its workspace's token. Without a key, `coach
serve` says so once."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from storage.db import Database
from storage.token_cipher import SECRET_COLUMNS
from tests.conftest import SECRET
from tests.e2e.test_oauth_jobs import (
    CLIENT,
    OWNERS,
    add_grid,
    installation_known,
    next_weekday_at,
    refused,
    report_owned_work,
    serving,
)
from tests.e2e.test_production import _install
from tests.e2e.test_serve import _clean_env

KEY = Fernet.generate_key().decode()
SEALED = {**CLIENT, "COACH_ENCRYPTION_KEY": KEY}
# A rotating token's shape and length: sealed, it is past slack_sdk's VARCHAR(200).
LONG_TOKEN = "xoxe.xoxb-1-" + "MS0yLTEyMzQ1Njc4OTAxMi0" * 6
PLAIN_WARNING = "COACH_ENCRYPTION_KEY is not set: the workspaces' Slack tokens are stored"


def raw_secrets(db: Database) -> list[str]:
    """Every secret value in the installation store's rows, as the database holds it."""
    found: list[str] = []
    with db.engine.connect() as conn:
        for table_name, names in SECRET_COLUMNS.items():
            for row in conn.execute(text(f"SELECT {', '.join(names)} FROM {table_name}")):
                found += [value for value in row if value]
    return found


def clear_store(db: Database) -> None:
    """The store's tables are not among those the PostgreSQL fixture truncates."""
    with db.engine.begin() as conn:
        for table_name in SECRET_COLUMNS:
            conn.execute(text(f"DELETE FROM {table_name}"))


def jobs_run(db: Database, fake: FakeSlack, when: datetime, cwd: Path) -> dict[str, Any]:
    """`coach jobs run nudges --now WHEN` in its own process, with the key."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "jobs", "run", "nudges", "--now", when.isoformat()],
        cwd=cwd,
        env=_clean_env(DATABASE_URL=db.url, SLACK_API_URL=fake.api_url, **SEALED),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


@pytest.fixture
def sealed_serve(fake: FakeSlack, db: Database, tmp_path: Path) -> Iterator[str]:
    """`coach serve` in OAuth mode with a key, its scheduler off: the test runs jobs."""
    clear_store(db)
    try:
        with serving(fake, db.url, tmp_path, **SEALED) as served:
            yield served.url
    finally:
        clear_store(db)  # sealed rows would puzzle a later test that runs without the key
    assert PLAIN_WARNING not in served.output


def test_installs_are_sealed_and_every_reader_gets_its_token(
    sealed_serve: str, fake: FakeSlack, db: Database, tmp_path: Path
) -> None:
    base = sealed_serve
    add_grid(fake)
    fake.add_team("T0005", name="Long", bot_token=LONG_TOKEN, bot_user_id="UBOT5")
    fake.add_channel("T0005", "C_LONG", "long")
    fake.add_user("T0005", "U_LEE", "lee", tz="UTC")
    for installed in ("T0001", "T0002", "E0001", "T0005"):
        _install(base, fake, installed)

    stored = raw_secrets(db)
    assert len(stored) == 8  # four installations, four bots: one bot token each
    assert all(value.startswith("fernet:") for value in stored), stored
    # A token's own shape, not a bare "xox", which base64 ciphertext can hold by chance.
    assert not [value for value in stored if re.search(r"xox[abpe][-.]\w", value)]

    sim = SlackSimulator(fake, base + "/slack/events", SECRET)
    before = len(fake.calls)
    for team in OWNERS:
        report_owned_work(sim, team)
    assert sim.for_team("T0005").slash("U_LEE", "C_LONG", "Print labels 2h").ok
    for team in OWNERS:
        fake.wait_for(lambda team=team: installation_known(db, team), timeout=10)
    # Bolt's authorize opened each token: the requests' own calls carry the right one.
    expected = {team: token for team, (_, _, token) in OWNERS.items()}
    expected["T0005"] = f"Bearer {LONG_TOKEN}"
    during = [c for c in fake.calls[before:] if c.method != "oauth.v2.access"]
    assert {c.team_id for c in during} == set(expected)
    assert {(c.team_id, c.headers["Authorization"]) for c in during} == set(expected.items())

    when = next_weekday_at(datetime.now(UTC), 15)
    before = len(fake.calls)
    figures = jobs_run(db, fake, when, tmp_path)  # the jobs' clients open the tokens too
    assert figures["dms"] == 4 and figures["failed"] == 0, figures
    posts = [c for c in fake.calls[before:] if c.method == "chat.postMessage" and not c.failed]
    # Four owners' DMs, and "Who owns this?" for T0005's unowned work, each its own token.
    assert {(c.team_id, c.headers["Authorization"]) for c in posts} == set(expected.items())
    assert refused(fake.calls) == []

    # An uninstall deletes through the same store: T0001's rows go, the others stay.
    assert sim.for_team("T0001").event({"type": "app_uninstalled"}).status == 200
    fake.wait_for(lambda: len(raw_secrets(db)) == 6, timeout=10)


def test_serve_without_a_key_says_so_once(
    fake: FakeSlack, sqlite_db: Database, tmp_path: Path
) -> None:
    with serving(fake, sqlite_db.url, tmp_path, workers=2, **CLIENT) as served:
        pass
    output = served.output
    assert output.count(PLAIN_WARNING) == 1, output
