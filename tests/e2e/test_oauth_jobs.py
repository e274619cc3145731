"""OAuth mode's scheduled messages through the production wiring: `coach serve` with
SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, workspaces installed through the OAuth flow
against the fake Slack (a plain one, one of a Grid org on its own, and two of an org that
installed org-wide), then `coach jobs run nudges --now ...`: each workspace's DMs go out
with that workspace's token, none without one."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.standin.fakeslack import Call, FakeSlack
from bot.standin.simulator import Reply, SlackSimulator
from storage.db import Database
from storage.models import Workspace
from tests.conftest import SECRET
from tests.e2e.test_production import _install
from tests.e2e.test_serve import _clean_env, _free_port

CLIENT = {"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "oauth-secret"}
# Who owns the work in each workspace, and the token their DM must carry.
OWNERS = {
    "T0001": ("U_ANA", "C_FIN", "Bearer xoxb-T0001"),  # a plain workspace install
    "T0002": ("U_HAL", "C_HQ", "Bearer xoxb-T0002"),  # a Grid workspace installed on its own
    "T0003": ("U_IDA", "C_EAST", "Bearer xoxb-E0001"),  # org-wide: the org's one token
    "T0004": ("U_JO", "C_WEST", "Bearer xoxb-E0001"),
}
ORG_OF = {"T0002": ("E0002", False), "T0003": ("E0001", True), "T0004": ("E0001", True)}


def add_grid(fake: FakeSlack) -> None:
    """Hooli (E0002) with T0002 installed on its own; Initech (E0001) org-wide over
    T0003 and T0004. Their owners work in UTC."""
    fake.add_org("E0002", "Hooli", bot_token="xoxb-E0002", bot_user_id="WBOTE2")
    fake.add_org("E0001", "Initech", bot_token="xoxb-E0001", bot_user_id="WBOTE1")
    for team, org in (("T0002", "E0002"), ("T0003", "E0001"), ("T0004", "E0001")):
        user, channel, _ = OWNERS[team]
        fake.add_team(team, name=f"Team {team}", bot_token=f"xoxb-{team}", enterprise_id=org)
        fake.add_channel(team, channel, channel.lower())
        fake.add_user(team, user, user.lower(), tz="UTC")


def slash(sim: SlackSimulator, team: str, text: str) -> Reply:
    """`/manual-task text` by the team's owner, as Slack sends it: a Grid workspace's
    command names its org, and says whether the app is installed org-wide."""
    if team not in ORG_OF:
        user, channel, _ = OWNERS[team]
        return sim.for_team(team).slash(user, channel, text)
    user, channel, _ = OWNERS[team]
    enterprise_id, org_wide = ORG_OF[team]
    fields = {
        "token": sim.verification_token,
        "team_id": team,
        "team_domain": sim.fake.team(team).domain,
        "enterprise_id": enterprise_id,
        "enterprise_name": sim.fake.orgs[enterprise_id].name,
        "channel_id": channel,
        "channel_name": channel.lower(),
        "user_id": user,
        "user_name": user.lower(),
        "command": "/manual-task",
        "text": text,
        "api_app_id": sim.api_app_id,
        "is_enterprise_install": "true" if org_wide else "false",
        "response_url": sim.fake.new_response_url(team, channel, user),
        "trigger_id": sim.fake.issue_trigger_id(team, user),
    }
    return sim.post_raw(
        urlencode(fields).encode(), content_type="application/x-www-form-urlencoded"
    )


def report_owned_work(sim: SlackSimulator, team: str) -> None:
    """Two hours of manual work a week (over the nudge threshold), owned by its reporter."""
    first = slash(sim, team, "Reconcile payouts 2h")
    assert first.status == 200 and "P1" in str(first.json), first.body[:300]
    assert "P1" in str(slash(sim, team, "own P1").json)


def installation_known(db: Database, team: str) -> bool:
    """Whether the workspace row has the org and kind of install its requests carry."""
    with db.transaction() as s:
        ws = s.get(Workspace, team)
        found = (ws.enterprise_id, ws.is_enterprise_install) if ws else None
    return found == ORG_OF.get(team, (None, False))


def next_weekday_at(after: datetime, hour: int) -> datetime:
    """The first weekday `hour`:00 UTC after `after`: working hours in New York and UTC."""
    when = after.replace(hour=hour, minute=0, second=0, microsecond=0)
    while when <= after or when.weekday() >= 5:
        when += timedelta(days=1)
    return when


def jobs_run(db: Database, fake: FakeSlack, name: str, when: datetime) -> dict[str, Any]:
    """`coach jobs run NAME --now WHEN` in its own process, in OAuth mode."""
    env = _clean_env(DATABASE_URL=db.url, SLACK_API_URL=fake.api_url, **CLIENT)
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "jobs", "run", name, "--now", when.isoformat()],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def refused(calls: list[Call]) -> list[tuple[str, str | None, Any]]:
    """Calls Slack refused for want of a (valid) token."""
    return [
        (c.method, c.team_id, (c.response or {}).get("error"))
        for c in calls
        if (c.response or {}).get("error") in ("not_authed", "invalid_auth", "missing_argument")
    ]


@dataclass
class Served:
    """A running `coach serve`: its URL and process; its output once it has stopped."""

    url: str
    proc: subprocess.Popen[str]
    output: str = ""


@contextmanager
def serving(
    fake: FakeSlack, db_url: str, tmp_path: Path, *, workers: int = 1, **env: str
) -> Iterator[Served]:
    """`coach serve` against the fake Slack, its scheduler off (the test runs jobs)."""
    port = _free_port()
    command = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", *command],
        cwd=tmp_path,
        env=_clean_env(
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=db_url,
            COACH_SCHEDULER="off",
            **env,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    served = Served(f"http://127.0.0.1:{port}", proc)
    try:
        _wait_healthy(port, proc)
        yield served
    finally:
        proc.terminate()
        served.output = proc.communicate(timeout=30)[0]


@pytest.fixture
def oauth_serve(
    fake: FakeSlack, db: Database, tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`coach serve` in OAuth mode (no bot token), its scheduler off: the test runs jobs."""
    with serving(fake, db.url, tmp_path, **CLIENT) as served:
        yield served.url, served.proc


def _wait_healthy(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("coach serve did not answer /healthz: " + proc.communicate()[0][-2000:])


def test_coach_jobs_run_sends_each_workspace_its_own_token(
    oauth_serve: tuple[str, subprocess.Popen[str]], fake: FakeSlack, db: Database
) -> None:
    base, _ = oauth_serve
    add_grid(fake)
    for installed in ("T0001", "T0002", "E0001"):  # E0001: org-wide, for T0003 and T0004
        _install(base, fake, installed)
    sim = SlackSimulator(fake, base + "/slack/events", SECRET)
    for team in OWNERS:
        report_owned_work(sim, team)
    for team in OWNERS:  # each request taught its workspace row its installation
        fake.wait_for(lambda team=team: installation_known(db, team), timeout=10)
    when = next_weekday_at(datetime.now(UTC), 15)
    before = len(fake.calls)

    figures = jobs_run(db, fake, "nudges", when)

    assert figures["dms"] == 4 and figures["failed"] == 0, figures
    posts = [c for c in fake.calls[before:] if c.method == "chat.postMessage" and not c.failed]
    assert sorted((c.team_id, c.headers["Authorization"]) for c in posts) == sorted(
        (team, token) for team, (_, _, token) in OWNERS.items()
    )
    assert {c.team_id: c.body.get("team_id") for c in posts if "E0001" in str(c.headers)} == {
        "T0003": "T0003",  # the org's token names the workspace it acts in
        "T0004": "T0004",
    }
    for team, (user, _, _) in OWNERS.items():
        assert len(fake.dms_to(team, user)) == 1, team
    assert refused(fake.calls) == []
    # Sent is sent: the next run finds nothing due and calls nobody.
    again = len(fake.calls)
    assert jobs_run(db, fake, "nudges", when + timedelta(minutes=10))["dms"] == 0
    assert [c.method for c in fake.calls[again:] if c.method == "chat.postMessage"] == []
    # The jobs this round added run in OAuth mode too, and call nobody without a token.
    verified = jobs_run(db, fake, "verify", when)
    assert (verified["verified"], verified["claimed_elsewhere"]) == (0, 0), verified
    assert refused(fake.calls) == []
