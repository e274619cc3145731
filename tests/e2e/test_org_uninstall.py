"""Org-wide uninstalls: `app_uninstalled` and `tokens_revoked` for an org-wide install
delete its installation by (enterprise_id, team_id None) and stop every workspace of the
org; a plain workspace's install is untouched. An org-wide reinstall serves them again.

The payloads are the shapes Slack documents for org-wide apps (docs.slack.dev, "Using
APIs with organization-wide apps": the event names the org, and `authorizations` carries
`is_enterprise_install`) and the org-level shapes Bolt's own tests use
(tests/scenario_tests/test_events_token_revocations.py: `enterprise_id` and no team)."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import create_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.oauth import installation_store
from bot.runtime import jobs_command
from bot.server import serve_in_thread, wsgi_app
from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from storage.db import Database
from storage.models import Workspace
from tests.conftest import SECRET, START
from tests.e2e.test_oauth_jobs import CLIENT, add_grid, installation_known, report_owned_work
from tests.e2e.test_production import _install

TUESDAY = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York, 15:00 in UTC
ORG_WIDE = {"enterprise_id": "E0001", "is_enterprise_install": True}


def _envelope(event: dict[str, Any], **outer: Any) -> dict[str, Any]:
    return {
        "token": "fake-verification-token",
        "api_app_id": "A0COACH01",
        "event": {**event, "event_ts": f"{time.time():.6f}"},
        "type": "event_callback",
        "event_id": "Ev" + secrets.token_hex(5).upper(),
        "event_time": int(time.time()),
        **outer,
    }


SHAPES = {
    # Bolt's tests: an org-level event names the org only.
    "app_uninstalled, org only": _envelope({"type": "app_uninstalled"}, enterprise_id="E0001"),
    "tokens_revoked, org only": _envelope(
        {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["WBOTE1"]}},
        enterprise_id="E0001",
    ),
    # Slack's sample for org-wide apps: the envelope's workspace, and an authorization that
    # says the install is org-wide.
    "app_uninstalled, with authorizations": _envelope(
        {"type": "app_uninstalled"},
        team_id="T0003",
        enterprise_id="E0001",
        is_ext_shared_channel=False,
        authorizations=[{"team_id": "T0003", "user_id": "WBOTE1", "is_bot": True, **ORG_WIDE}],
    ),
}


@pytest.fixture
def oauth_app(fake: FakeSlack, db: Database) -> Iterator[tuple[str, Settings]]:
    """The app in OAuth mode over real HTTP, the Grid orgs in the fake."""
    add_grid(fake)
    settings = Settings(
        database_url=db.url,
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        slack_client_id=CLIENT["SLACK_CLIENT_ID"],
        slack_client_secret=CLIENT["SLACK_CLIENT_SECRET"],
    )
    server = serve_in_thread(wsgi_app(create_app(settings, db=db, clock=ManualClock(START)), db))
    try:
        yield f"http://127.0.0.1:{server.server_port}", settings
    finally:
        server.shutdown()
        server.server_close()


def _jobs_run(settings: Settings, when: datetime, out: pytest.CaptureFixture[str]) -> Any:
    """`coach jobs run nudges --now WHEN`, in this process."""
    assert jobs_command(settings, "run", "nudges", when.isoformat()) == 0
    return json.loads(out.readouterr().out.strip().splitlines()[-1])


def _stopped(db: Database) -> set[str]:
    with db.transaction() as s:
        stopped = select(Workspace.team_id).where(Workspace.uninstalled_at.is_not(None))
        return set(s.scalars(stopped))


@pytest.mark.parametrize("shape", SHAPES)
def test_org_wide_uninstall_stops_the_org_and_only_the_org(
    oauth_app: tuple[str, Settings],
    fake: FakeSlack,
    db: Database,
    capsys: pytest.CaptureFixture[str],
    shape: str,
) -> None:
    base, settings = oauth_app
    _install(base, fake, "T0001")
    _install(base, fake, "E0001")
    sim = SlackSimulator(fake, base + "/slack/events", SECRET)
    for team in ("T0001", "T0003", "T0004"):
        report_owned_work(sim, team)
        fake.wait_for(lambda team=team: installation_known(db, team))
    store = installation_store(settings, db)
    assert store.find_bot(enterprise_id="E0001", team_id=None, is_enterprise_install=True)

    body = json.dumps(SHAPES[shape]).encode()
    assert sim.post_raw(body, content_type="application/json").status == 200

    # The listener marks the org's workspaces, then deletes the install: wait for both.
    fake.wait_for(
        lambda: (
            _stopped(db) == {"T0003", "T0004"}
            and store.find_bot(enterprise_id="E0001", team_id=None, is_enterprise_install=True)
            is None
        )
    )
    assert store.find_installation(enterprise_id="E0001", team_id=None) is None
    assert store.find_bot(enterprise_id=None, team_id="T0001") is not None
    before = len(fake.calls)
    assert _jobs_run(settings, TUESDAY, capsys)["dms"] == 1
    assert {c.team_id for c in fake.calls[before:] if c.method == "chat.postMessage"} == {"T0001"}
    assert not [c for c in fake.calls[before:] if "xoxb-E0001" in str(c.headers)]
    # Installed org-wide again: the org's workspaces are served again, with its token.
    _install(base, fake, "E0001")
    assert _stopped(db) == set()
    before = len(fake.calls)
    assert _jobs_run(settings, TUESDAY + timedelta(hours=1), capsys)["dms"] == 2
    posts = [c for c in fake.calls[before:] if c.method == "chat.postMessage"]
    assert {(c.team_id, c.headers["Authorization"]) for c in posts} == {
        ("T0003", "Bearer xoxb-E0001"),
        ("T0004", "Bearer xoxb-E0001"),
    }


def test_a_grid_workspace_uninstall_deletes_its_own_install(
    oauth_app: tuple[str, Settings], fake: FakeSlack, db: Database
) -> None:
    """A workspace of an org installed on its own is stored under (its org, itself)."""
    base, settings = oauth_app
    _install(base, fake, "T0002")
    _install(base, fake, "E0001")
    store = installation_store(settings, db)
    assert store.find_bot(enterprise_id="E0002", team_id="T0002") is not None
    event = _envelope({"type": "app_uninstalled"}, team_id="T0002", enterprise_id="E0002")
    sim = SlackSimulator(fake, base + "/slack/events", SECRET)
    assert sim.post_raw(json.dumps(event).encode(), content_type="application/json").ok
    fake.wait_for(
        lambda: (
            _stopped(db) == {"T0002"}
            and store.find_bot(enterprise_id="E0002", team_id="T0002") is None
        )
    )
    assert store.find_bot(enterprise_id="E0001", team_id=None, is_enterprise_install=True)
