"""Shared fixtures: databases (SQLite and PostgreSQL), a clock, the fake Slack, and the
real app served over real HTTP with signature checking on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, text

from bot.app import create_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.server import serve_in_thread, wsgi_app
from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from storage.db import Database
from storage.models import Base

PG_URL = os.environ.get("COACH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
SECRET = "test-signing-secret"
TEAM = "T0001"
START = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday, 09:00 in New York


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test process, dropped at the end."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not answering at {PG_URL}")
        pytest.skip("PostgreSQL is not running")
    name = f"coach_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_URL.rsplit("/", 1)[0] + "/" + name
    db = Database(url)
    db.upgrade()
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate(db: Database) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        conn.execute(text("TRUNCATE " + ", ".join(tables) + " CASCADE"))


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: object) -> Iterator[Database]:
    """A migrated, empty database: SQLite in a temp file, then PostgreSQL."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path}/coach.db")
        database.upgrade()
        yield database
        database.dispose()
    else:
        database = Database(request.getfixturevalue("pg_database"))
        _truncate(database)
        yield database
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: object) -> Iterator[Database]:
    database = Database(f"sqlite:///{tmp_path}/coach.db")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as slack:
        slack.add_team(TEAM, name="Acme", bot_token="xoxb-T0001", bot_user_id="UBOT1")
        slack.add_channel(TEAM, "C_OPS", "ops")
        slack.add_channel(TEAM, "C_FIN", "finance")
        slack.add_user(TEAM, "U_ANA", "ana", tz="America/New_York")
        slack.add_user(TEAM, "U_BEN", "ben", tz="Europe/Berlin")
        slack.add_user(TEAM, "U_CAM", "cam", tz="Asia/Tokyo")
        slack.add_user(TEAM, "U_ADMIN", "ada", tz="UTC", is_admin=True)
        yield slack


@dataclass
class Coach:
    """The running app and the handles a test needs around it."""

    sim: SlackSimulator
    fake: FakeSlack
    db: Database
    clock: ManualClock
    settings: Settings
    url: str


@pytest.fixture
def coach(fake: FakeSlack, db: Database, clock: ManualClock) -> Iterator[Coach]:
    settings = Settings(
        database_url=db.url,
        slack_bot_token="xoxb-T0001",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
    )
    app = create_app(settings, db=db, clock=clock)
    server = serve_in_thread(wsgi_app(app, db))
    url = f"http://127.0.0.1:{server.server_port}/slack/events"
    try:
        yield Coach(SlackSimulator(fake, url, SECRET, team_id=TEAM), fake, db, clock, settings, url)
    finally:
        server.shutdown()
        server.server_close()
