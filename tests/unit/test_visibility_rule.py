"""The visibility rule (bot/domain/rules.py), case by case: who sees a private process,
who sees a public one, what a digest covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from bot.domain.people import Actor, Person
from bot.domain.rules import Sight, may_see, sight_of
from bot.domain.states import Covers

NOW = datetime(2026, 12, 2, tzinfo=UTC)


@dataclass(frozen=True)
class P:
    private: bool
    team_id: str = "T1"
    owner_id: str | None = "U_OWN"
    reporter_id: str = "U_REP"
    channel_id: str | None = "C_HR"


def actor(user: str, *, admin: bool = False, guest: bool = False, team: str = "T1") -> Actor:
    return Actor(team, user, NOW, Person(user, is_admin=admin, is_guest=guest))


@pytest.mark.parametrize(
    ("who", "private_seen", "public_seen"),
    [
        (actor("U_ADMIN", admin=True), True, True),
        (actor("U_OWN"), True, True),  # the owner
        (actor("U_REP"), True, True),  # who first reported it
        (actor("U_ANY"), False, True),  # any member
        (actor("U_GUEST", guest=True), False, False),  # a guest: only their own
        (actor("U_REP", guest=True), True, True),  # …and they reported this one
        (actor("U_ADMIN", admin=True, team="T2"), False, False),  # another workspace
    ],
)
def test_who_sees_a_process(who: Actor, private_seen: bool, public_seen: bool) -> None:
    assert may_see(who, P(private=True)) is private_seen
    assert may_see(who, P(private=False)) is public_seen


def test_a_later_reporter_sees_a_private_process_once_their_report_is_known() -> None:
    member = actor("U_LATER")
    assert not may_see(member, P(private=True))
    assert sight_of(member).needs_reports(P(private=True))
    assert may_see(member, P(private=True), reported=True)
    assert not sight_of(member).needs_reports(P(private=False))  # no query needed


def test_what_a_digest_covers() -> None:
    hr = Sight.of_digest("T1", "C_HR", Covers.CHANNEL)
    assert hr.sees(P(private=True)) and hr.sees(P(private=False))
    assert not hr.sees(P(private=False, channel_id="C_OPS"))  # another channel's
    wide = Sight.of_digest("T1", "C_HR", Covers.WORKSPACE)
    assert wide.sees(P(private=False, channel_id="C_OPS"))
    assert not wide.sees(P(private=True))  # never a private one, not even its own channel's
