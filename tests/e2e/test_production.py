"""Production grade: many workspaces through OAuth, uninstalls, replicas sharing one
database (exactly-once scheduled work, event de-duplication), and a replica killed
mid-run."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from bot.app import create_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.oauth import installation_store
from bot.runtime import jobs_command, mark_installed
from bot.server import serve_in_thread, wsgi_app
from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import SlackSimulator
from storage.db import Database
from storage.models import DigestSubscription, Occurrence, Process, Workspace
from tests.conftest import SECRET, START, Coach
from tests.e2e.helpers import run

TUESDAY = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _get(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(
        "GET",
        parts.path + (f"?{parts.query}" if parts.query else ""),
        headers={"Cookie": cookie} if cookie else {},
    )
    resp = conn.getresponse()
    body = resp.read().decode()
    headers = {k.lower(): v for k, v in resp.getheaders()}
    conn.close()
    return resp.status, body, headers


@pytest.fixture
def multi(fake: FakeSlack, db: Database) -> Iterator[tuple[str, Settings, ManualClock]]:
    """The app in OAuth mode (no bot token), two workspaces in the fake."""
    fake.add_team("T0002", name="Globex", bot_token="xoxb-T0002", bot_user_id="UBOT2")
    fake.add_channel("T0002", "C_G", "general")
    fake.add_user("T0002", "U_GIL", "gil", tz="UTC")
    settings = Settings(
        database_url=db.url,
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        slack_client_id="111.222",
        slack_client_secret="oauth-secret",
    )
    clock = ManualClock(START)
    server = serve_in_thread(wsgi_app(create_app(settings, db=db, clock=clock), db))
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        yield base, settings, clock
    finally:
        server.shutdown()
        server.server_close()


def _install(base: str, fake: FakeSlack, team_id: str) -> None:
    status, page, headers = _get(base + "/slack/install")
    assert status == 200
    state = re.search(r"state=([\w-]+)", page)
    assert state, page[:500]
    cookie = headers["set-cookie"].split(";", 1)[0]
    code = fake.issue_oauth_code(team_id)
    status, page, _ = _get(f"{base}/slack/oauth_redirect?code={code}&state={state[1]}", cookie)
    assert status == 200, page[:500]


def _jobs_run(
    settings: Settings, name: str, when: datetime, out: pytest.CaptureFixture[str]
) -> Any:
    """`coach jobs run NAME --now WHEN` with these settings: its JSON figures."""
    assert jobs_command(settings, "run", name, when.isoformat()) == 0
    return json.loads(out.readouterr().out.strip().splitlines()[-1])


def test_oauth_installs_keep_workspaces_apart_until_uninstalled(
    multi: tuple[str, Settings, ManualClock],
    fake: FakeSlack,
    db: Database,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, settings, clock = multi
    _install(base, fake, "T0001")
    _install(base, fake, "T0002")
    acme = SlackSimulator(fake, base + "/slack/events", SECRET, team_id="T0001")
    globex = acme.for_team("T0002")
    for who in ("U_ANA", "U_BEN"):
        assert acme.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    acme.slash("U_ANA", "C_FIN", "own P1")
    assert globex.slash("U_GIL", "C_G", "Print shipping labels 50m").ok
    assert globex.slash("U_GIL", "C_G", "print shipping labels 40m").ok
    globex.slash("U_GIL", "C_G", "own P1")
    listed = str(globex.slash("U_GIL", "C_G", "list").json)
    assert "shipping labels" in listed and "Stripe" not in listed
    assert "Stripe" in str(acme.slash("U_ANA", "C_FIN", "show P1").json)
    # Jobs find each workspace's token in the installation store, as `coach jobs run` does.
    assert _jobs_run(settings, "nudges", TUESDAY, capsys)["dms"] == 2
    dm_calls = [c for c in fake.calls_to("chat.postMessage") if not c.failed]
    assert {(c.team_id, c.headers["Authorization"]) for c in dm_calls} == {
        ("T0001", "Bearer xoxb-T0001"),
        ("T0002", "Bearer xoxb-T0002"),
    }
    # Digests and the Home tab show each workspace only its own work.
    assert acme.slash("U_ANA", "C_FIN", "digest here daily 09:00 UTC").ok
    assert globex.slash("U_GIL", "C_G", "digest here daily 09:00 UTC").ok
    assert _jobs_run(settings, "digests", TUESDAY, capsys)["digests"] == 2
    (acme_digest,) = [m for m in fake.messages_in("C_FIN") if "digest ·" in m.text]
    (globex_digest,) = [m for m in fake.messages_in("C_G") if "digest ·" in m.text]
    assert "Stripe" in str(acme_digest.blocks) and "shipping" not in str(acme_digest.blocks)
    assert "shipping" in str(globex_digest.blocks) and "Stripe" not in str(globex_digest.blocks)
    globex.open_home("U_GIL")
    home = fake.wait_for(lambda: fake.home_of("T0002", "U_GIL"))
    assert "shipping" in str(home.view) and "Stripe" not in str(home.view)
    # Globex uninstalls: no more messages there; Acme carries on.
    assert globex.event({"type": "app_uninstalled"}).status == 200
    store = installation_store(settings, db)
    # The listener marks the workspace, then deletes its installation: wait for both.
    fake.wait_for(
        lambda: (
            _uninstalled(db, "T0002")
            and store.find_bot(enterprise_id=None, team_id="T0002") is None
        )
    )
    before = len(fake.calls_to("chat.postMessage"))
    figures = _jobs_run(settings, "nudges", TUESDAY + timedelta(days=7), capsys)
    after = [c for c in fake.calls_to("chat.postMessage")[before:] if not c.failed]
    assert figures["dms"] == 1 and {c.team_id for c in after} == {"T0001"}
    assert store.find_bot(enterprise_id=None, team_id="T0002") is None
    with db.transaction() as s:  # kept, as the README says
        assert (
            s.scalar(select(func.count()).select_from(Process).where(Process.team_id == "T0002"))
            == 1
        )


def _uninstalled(db: Database, team_id: str) -> bool:
    with db.transaction() as s:
        ws = s.get(Workspace, team_id)
        return ws is not None and ws.uninstalled_at is not None


def test_event_retries_across_replicas_count_once(
    fake: FakeSlack, db: Database, clock: ManualClock
) -> None:
    settings = Settings(
        database_url=db.url,
        slack_bot_token="xoxb-T0001",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
    )
    servers = [
        serve_in_thread(wsgi_app(create_app(settings, db=Database(db.url), clock=clock), db))
        for _ in range(2)
    ]
    try:
        sims = [
            SlackSimulator(fake, f"http://127.0.0.1:{s.server_port}/slack/events", SECRET)
            for s in servers
        ]
        event = {
            "type": "app_mention",
            "user": "U_ANA",
            "channel": "C_OPS",
            "ts": "1.000100",
            "text": "<@UBOT1> spent 20 minutes copying leads into the CRM",
        }
        threads = [
            threading.Thread(
                target=sim.event, args=(event,), kwargs={"event_id": "Ev0SAME", "retry_num": i}
            )
            for i, sim in enumerate(sims)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        fake.wait_for(lambda: [m for m in fake.messages_in("C_OPS") if m.from_bot])
        time.sleep(0.5)
        with db.transaction() as s:
            assert s.scalar(select(func.count()).select_from(Occurrence)) == 1
        assert len([m for m in fake.messages_in("C_OPS") if m.from_bot]) == 1
    finally:
        for s in servers:
            s.shutdown()
            s.server_close()


def _seed_many(db: Database, fake: FakeSlack, owners: int, channels: int) -> None:
    now = START
    with db.transaction() as s:
        s.add(Workspace(team_id="T0001", created_at=now, next_process_number=owners + 1))
        s.flush()
        for n in range(1, owners + 1):
            user = f"U_OWNER{n:03d}"
            fake.add_user("T0001", user, f"owner{n}", tz="UTC")
            p = Process(
                team_id="T0001",
                number=n,
                title=f"Chore {n}",
                normalized_title=f"chore {n}",
                owner_id=user,
                reporter_id=user,
                # In the digests' channels: a channel's digest covers its own processes, and
                # one with nothing in its period is a quiet line without a chart.
                channel_id=f"C_DIG{n % channels}" if channels else "C_OPS",
                status="manual",
                status_changed_at=now,
                created_at=now,
            )
            s.add(p)
            s.flush()
            s.add(
                Occurrence(
                    team_id="T0001",
                    process_id=p.id,
                    user_id=user,
                    minutes=120,
                    occurred_at=now,
                    source="command",
                    slack_key=f"seed:{n}",
                )
            )
        for c in range(channels):
            fake.add_channel("T0001", f"C_DIG{c}", f"digest{c}")
            s.add(
                DigestSubscription(
                    team_id="T0001",
                    channel_id=f"C_DIG{c}",
                    cadence="daily",
                    weekday=None,
                    local_time="09:00",
                    timezone="UTC",
                    created_by="U_ANA",
                    created_at=now,
                )
            )


def _replica(
    db: Database, fake: FakeSlack, job: str, now: datetime, **env: str
) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": db.url,
        "SLACK_BOT_TOKEN": "xoxb-T0001",
        "SLACK_API_URL": fake.api_url,
        "SLACK_SIGNING_SECRET": SECRET,
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "jobs", "run", job, "--now", now.isoformat()],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_three_replicas_send_every_message_once(db: Database, fake: FakeSlack) -> None:
    _seed_many(db, fake, owners=40, channels=5)
    when = TUESDAY
    procs = [_replica(db, fake, job, when) for job in ("nudges", "digests") for _ in range(3)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    dms = Counter(m.channel for m in fake.messages if m.from_bot and m.channel.startswith("D"))
    digests = Counter(
        m.channel
        for m in fake.messages
        if m.channel.startswith("C_DIG") and m.source == "api" and "digest" in m.text
    )
    print(
        f"\nreplica test: {sum(dms.values())} DMs to {len(dms)} owners, "
        f"{sum(digests.values())} digests to {len(digests)} channels, "
        f"duplicates {sum(v - 1 for v in dms.values()) + sum(v - 1 for v in digests.values())}"
    )
    assert len(dms) == 40 and set(dms.values()) == {1}
    assert len(digests) == 5 and set(digests.values()) == {1}
    assert len(fake.files) == 5


@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_replica_killed_mid_send_loses_nothing(db: Database, fake: FakeSlack) -> None:
    _seed_many(db, fake, owners=3, channels=0)
    fake.delay("chat.postMessage", 3.0, times=1)
    victim = _replica(db, fake, "nudges", TUESDAY, COACH_CLAIM_TIMEOUT="60")
    fake.wait_for(lambda: fake.calls_to("conversations.open"), timeout=30)
    time.sleep(0.5)  # its first DM is now in flight, held by the fake
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=10)
    # Another replica right away: the dead one's claim is fresh, the rest goes out.
    survivor = _replica(
        db, fake, "nudges", TUESDAY + timedelta(seconds=10), COACH_CLAIM_TIMEOUT="60"
    )
    assert survivor.wait(timeout=60) == 0
    time.sleep(3.5)  # the held request completes on Slack's side
    # After the claim timeout the abandoned DM is sent again.
    later = _replica(db, fake, "nudges", TUESDAY + timedelta(minutes=5), COACH_CLAIM_TIMEOUT="60")
    assert later.wait(timeout=60) == 0
    dms = Counter(m.channel for m in fake.messages if m.from_bot and m.channel.startswith("D"))
    print(f"\nkill test: DMs per owner {dict(dms)}")
    assert len(dms) == 3, "an owner's DM was lost"
    assert sum(v - 1 for v in dms.values()) <= 1, "more than the one in-flight DM repeated"


def test_revoked_bot_token_stops_every_message(coach: Coach) -> None:
    for who in ("U_ANA", "U_BEN"):
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    coach.sim.slash("U_ANA", "C_FIN", "own P1")
    coach.sim.slash("U_ANA", "C_FIN", "digest here daily 09:00 UTC")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UBOT1"]}}
    assert coach.sim.event(revoked).status == 200
    coach.fake.wait_for(lambda: _uninstalled(coach.db, "T0001"))
    before = len(coach.fake.calls_to("chat.postMessage"))
    assert run(coach, "nudges", TUESDAY)["dms"] == 0
    assert run(coach, "digests", TUESDAY)["digests"] == 0
    assert len(coach.fake.calls_to("chat.postMessage")) == before
    with coach.db.transaction() as s:  # the data stays
        assert s.scalar(select(func.count()).select_from(Occurrence)) == 2
    # Reinstalled with a working token: the next start serves the workspace again.
    mark_installed(coach.settings, coach.db)
    assert not _uninstalled(coach.db, "T0001")
    assert run(coach, "nudges", TUESDAY + timedelta(days=1))["dms"] == 1
