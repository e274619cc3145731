"""Slack errors no retry can cure stop what they are about, once, and say so: a digest whose
channel the bot left or that was archived, an owner who was deactivated, a workspace whose
token was revoked. A fault that may pass (a 500, 429s) is tried again at the next run.
Jobs run as the scheduler runs them, against the fake Slack over HTTP."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.scheduler import run_job
from storage.models import Delivery, DigestSubscription, Process, ProcessEvent, Workspace
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import dms, job_context, run
from tests.e2e.support import text_of

MONDAY_9_BERLIN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def _digests(coach: Coach, channel: str = "C_FIN") -> list[object]:
    return [m for m in coach.fake.messages_in(channel) if m.source == "api" and "digest" in m.text]


def _subscribe(coach: Coach) -> None:
    reply = coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin")
    assert "every Monday" in reply.json["text"]
    assert coach.sim.slash("U_BEN", "C_FIN", "Reconcile Stripe payouts 45m").ok


def _subscription(coach: Coach) -> DigestSubscription:
    with coach.db.transaction() as s:
        sub = s.get(DigestSubscription, (TEAM, "C_FIN"))
        assert sub is not None
        s.expunge(sub)
        return sub


@pytest.mark.parametrize(
    ("gone", "reason", "says"),
    [
        ("remove_bot", "not_in_channel", "I'm no longer a member of"),
        ("archive_channel", "is_archived", "was archived"),
    ],
)
def test_a_digest_slack_refuses_for_good_stops_and_its_creator_is_told_once(
    coach: Coach, gone: str, reason: str, says: str
) -> None:
    _subscribe(coach)
    assert run(coach, "digests", MONDAY_9_BERLIN)["digests"] == 1
    getattr(coach.fake, gone)(TEAM, "C_FIN")
    before = len(coach.fake.calls_to("chat.postMessage"))

    figures = run(coach, "digests", MONDAY_9_BERLIN + WEEK)
    assert figures["stopped"] == 1 and figures["digests"] == 0
    sub = _subscription(coach)
    assert sub.stopped_at is not None and sub.stopped_reason == reason
    # 03:00 in New York: the outbox keeps it for Ana's working hours.
    assert not [m for m in dms(coach, "U_ANA") if "has stopped" in text_of(m)]
    run(coach, "nudges", MONDAY_9_BERLIN + WEEK + timedelta(hours=7))  # 10:00 in New York
    (told,) = [m for m in dms(coach, "U_ANA") if "has stopped" in text_of(m)]
    assert says in text_of(told) and "/manual-task digest here weekly" in text_of(told)

    # Never tried again, and nobody is told twice, however many runs and replicas follow.
    for week in range(2, 5):
        threads = [
            threading.Thread(
                target=run_job,
                args=("digests", job_context(coach, f"r{i}"), MONDAY_9_BERLIN + week * WEEK),
            )
            for i in range(3)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        run(coach, "nudges", MONDAY_9_BERLIN + week * WEEK + timedelta(hours=7))
    posts = coach.fake.calls_to("chat.postMessage")[before:]
    to_channel = [c for c in posts if c.body.get("channel") == "C_FIN"]
    assert len(to_channel) == 1, "one refused try, then nothing"
    assert len([m for m in dms(coach, "U_ANA") if "has stopped" in text_of(m)]) == 1
    with coach.db.transaction() as s:
        (claim,) = s.scalars(
            select(Delivery)
            .where(Delivery.key.like(f"digest:{TEAM}:C_FIN:%"))
            .where(Delivery.status != "sent")
        ).all()
        assert claim.status == "skipped" and claim.detail == reason

    # `digest preview` says why; subscribing again starts it afresh.
    preview = coach.sim.slash("U_ANA", "C_FIN", "digest preview").json
    assert "stopped" in str(preview) and reason in str(preview)
    coach.fake.channels[(TEAM, "C_FIN")].is_archived = False
    coach.fake.channels[(TEAM, "C_FIN")].is_member = True
    coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin")
    assert _subscription(coach).stopped_at is None
    assert run(coach, "digests", MONDAY_9_BERLIN + 6 * WEEK)["digests"] == 1


def test_a_passing_fault_is_tried_again_at_the_next_run(coach: Coach) -> None:
    _subscribe(coach)
    coach.fake.fail("chat.postMessage", status=500, retry_after=None, times=5)  # 1 + 4 retries
    figures = run(coach, "digests", MONDAY_9_BERLIN)
    assert figures["failed"] == 1 and figures["stopped"] == 0
    assert _subscription(coach).stopped_at is None
    assert run(coach, "digests", MONDAY_9_BERLIN + timedelta(minutes=5))["digests"] == 1


def _owned_costly(coach: Coach) -> None:
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert coach.sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert "now own" in coach.sim.slash("U_CAM", "C_FIN", "own P1").json["text"]


def test_a_deactivated_owners_processes_go_back_to_who_owns_this(coach: Coach) -> None:
    _owned_costly(coach)
    coach.fake.deactivate(TEAM, "U_CAM")
    tuesday_10_tokyo = datetime(2026, 11, 24, 1, 0, tzinfo=UTC)
    opens = len(coach.fake.calls_to("conversations.open"))
    figures = run(coach, "nudges", tuesday_10_tokyo)
    # users.info says `deleted`: what Cam owned goes back, and no DM is tried.
    assert figures["gone"] == 1 and figures["dms"] == 0 and figures["failed"] == 0
    assert len(coach.fake.calls_to("conversations.open")) == opens
    with coach.db.transaction() as s:
        p1 = s.scalars(select(Process).where(Process.team_id == TEAM, Process.number == 1)).one()
        assert p1.owner_id is None
        kinds = [
            e.kind for e in s.scalars(select(ProcessEvent).where(ProcessEvent.process_id == p1.id))
        ]
        assert kinds[-1] == "released"
    shown = coach.sim.slash("U_ANA", "C_FIN", "show P1").json
    assert "Slack can't reach" in str(shown)
    # The channel is asked who owns it now, in working hours; the DM is not tried again.
    opens = len(coach.fake.calls_to("conversations.open"))
    run(coach, "nudges", datetime(2026, 11, 24, 15, 0, tzinfo=UTC))
    asked = [m for m in coach.fake.messages_in("C_FIN") if "Who owns" in text_of(m)]
    assert asked and "P1" in text_of(asked[-1])
    assert len(coach.fake.calls_to("conversations.open")) == opens


def test_a_revoked_token_stops_the_workspaces_jobs_until_it_is_installed_again(
    coach: Coach,
) -> None:
    _subscribe(coach)
    coach.fake.revoke(coach.settings.slack_bot_token or "")
    figures = run(coach, "digests", MONDAY_9_BERLIN)
    assert figures["failed"] == 1
    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        assert ws is not None and ws.uninstalled_at is not None
    calls = len(coach.fake.calls)
    run(coach, "digests", MONDAY_9_BERLIN + WEEK)
    run(coach, "nudges", MONDAY_9_BERLIN + WEEK)
    assert len(coach.fake.calls) == calls, "nothing more is sent with a dead token"
