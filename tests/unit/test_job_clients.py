"""Every entry point's jobs get their clients from `job_clients`: in OAuth mode each
workspace's token from its installation (an org-wide one by its org), else the bot token;
`coach jobs run` and `coach scheduler` start in OAuth mode without a bot token."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings
from bot.jobs import job_clients
from bot.oauth import installation_store
from bot.scheduler import start_scheduler
from storage import workspaces
from storage.db import Database
from tests.e2e.test_serve import _clean_env

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)


@pytest.fixture
def oauth(tmp_path: Path) -> tuple[Settings, Database]:
    """OAuth settings; Initech (E0001) installed org-wide, T0003 a workspace of it."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/c.db",
        slack_client_id="111.222",
        slack_client_secret="oauth-secret",
        slack_bot_token="xoxb-SOCKET",
    )
    db = Database(settings.database_url)
    db.upgrade()
    installation_store(settings, db).save(
        Installation(
            app_id="A0COACH01",
            enterprise_id="E0001",
            team_id=None,
            user_id="UINSTALLER",
            bot_token="xoxb-E0001",
            bot_id="B0001",
            bot_user_id="WBOTE1",
            is_enterprise_install=True,
        )
    )
    with db.transaction() as session:
        workspaces.remember_installation(
            session, team_id="T0003", enterprise_id="E0001", is_enterprise_install=True, now=NOW
        )
    return settings, db


def test_the_scheduler_finds_an_org_wide_install_by_its_org(
    oauth: tuple[Settings, Database],
) -> None:
    settings, db = oauth
    scheduler = start_scheduler(settings, db=db)  # as `coach serve` and `coach scheduler` do
    jobs = scheduler.get_jobs()
    scheduler.shutdown(wait=False)
    clients = jobs[0].args[1].clients  # each job runs with (name, its JobContext, clock)
    client = clients.for_team("T0003")
    assert client.token == "xoxb-E0001" and client.default_params["team_id"] == "T0003"
    assert clients.for_team("T0009") is None  # not installed: nothing to send with


def test_socket_mode_keeps_to_its_bot_token(oauth: tuple[Settings, Database]) -> None:
    settings, db = oauth
    client = job_clients(settings, db, socket_mode=True).for_team("T0003")
    assert client.token == "xoxb-SOCKET" and "team_id" not in client.default_params


@pytest.mark.parametrize("command", [["jobs", "run", "nudges"], ["scheduler"]])
def test_oauth_mode_needs_no_bot_token_but_needs_some_token(
    tmp_path: Path, command: list[str]
) -> None:
    env = _clean_env(DATABASE_URL=f"sqlite:///{tmp_path}/c.db")
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "coach: SLACK_BOT_TOKEN is not set (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET for OAuth)"
    )
    if command[0] == "jobs":
        oauth_env = {**env, "SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "s"}
        ran = subprocess.run(
            [sys.executable, "-m", "bot.cli", *command, "--now", NOW.isoformat()],
            env=oauth_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert ran.returncode == 0, ran.stderr
        assert '"dms": 0' in ran.stdout


def test_a_client_held_to_another_budget_still_names_its_workspace() -> None:
    """An org-wide token acts in the workspace its client names (`team_id`): the client
    a lookup or a post makes within its own budget keeps naming it, and counts its calls."""
    from bot.slack import LOOKUP_BUDGET, CoachClient, make_client, within

    client = make_client(Settings(slack_bot_token="xoxb-1"), team_id="T0003")
    held = within(client, LOOKUP_BUDGET)
    assert isinstance(held, CoachClient)
    assert held.default_params.get("team_id") == "T0003" and held.timeout == LOOKUP_BUDGET.attempt
