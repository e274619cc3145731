"""Every channel post carries Slack message metadata another app or workflow can act on
(bot/messages/metadata.py): a mention's thread reply, "Who owns this?", the celebration
and the digest. Ephemeral answers and DMs carry none. The fake Slack refuses metadata
whose shape Slack would refuse, so what is checked here is what Slack would take."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.standin.fakeslack import Message
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import run
from tests.e2e.support import wait_for

TUE_10_NEW_YORK = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
MON_09_UTC = datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
LINK = "https://github.com/acme/ops/pull/42"


def _posts(coach: Coach, channel: str) -> list[Message]:
    return [m for m in coach.fake.messages_in(channel) if m.from_bot and not m.ephemeral]


def _of(coach: Coach, channel: str, event_type: str) -> list[dict[str, object]]:
    return [
        m.metadata["event_payload"]
        for m in _posts(coach, channel)
        if m.metadata and m.metadata.get("event_type") == event_type
    ]


def test_every_channel_post_says_what_it_is_about_in_metadata(coach: Coach) -> None:
    sim = coach.sim
    # A report by mention: its thread reply.
    sim.mention("U_CAM", "C_OPS", "spent 20 minutes copying leads into the CRM")
    (reported,) = wait_for(lambda: _of(coach, "C_OPS", "manual_work_reported"))
    assert reported["process_id"] == "P1" and reported["minutes"] == 20
    assert reported["reporter_id"] == "U_CAM" and reported["status"] == "manual"

    # Costly and nobody's: "Who owns this?".
    for who in ("U_ANA", "U_BEN", "U_CAM"):
        assert sim.slash(who, "C_FIN", "Reconcile Stripe payouts 45m").ok
    run(coach, "nudges", TUE_10_NEW_YORK)
    (needs,) = _of(coach, "C_FIN", "process_needs_owner")
    assert needs["process_id"] == "P2" and needs["minutes_per_week"] == 33.8
    assert "owner_id" not in needs

    # Retired: the celebration, with what it eliminated.
    assert sim.slash("U_ANA", "C_FIN", "own P2").ok
    assert sim.slash("U_ANA", "C_FIN", f"retire P2 {LINK}").ok
    (gone,) = wait_for(lambda: _of(coach, "C_FIN", "process_retired"))
    assert gone["process_id"] == "P2" and gone["owner_id"] == "U_ANA"
    assert gone["minutes_per_week_eliminated"] == 33.8
    assert gone["hours_per_year_eliminated"] == 29.2 and gone["automation_link"] == LINK

    # The digest.
    assert sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 UTC").ok
    run(coach, "digests", MON_09_UTC)
    (digest,) = _of(coach, "C_FIN", "manual_work_digest")
    assert digest["period_end"] == "2026-11-30T09:00:00+00:00"
    assert digest["minutes_per_week_eliminated"] == 33.8 and digest["retired_processes"] == 1

    # Nothing else the bot sends carries any: not its ephemeral answers, not its DMs.
    others = [
        m
        for m in coach.fake.messages
        if m.from_bot and (m.ephemeral or m.channel.startswith("D")) and m.team_id == TEAM
    ]
    assert others and not [m for m in others if m.metadata]
