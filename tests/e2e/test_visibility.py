"""End to end, issue 14: who sees what. A report from a private channel once showed up in a
public channel's `digest preview`, in `list` for anyone, in every channel's digest and in
every export. The rule (bot/domain/rules.py `Sight`): a process first reported in a private
channel, a DM or a group DM, or where the bot can't tell, is private: seen by its reporters,
its owner and admins, and in its own channel's digest only.

The walk: ana reports a salary fix in the private #hr (P1), ben reconciles payouts in the
public #ops (P2), a guest copies leads in #ops (P3). Then a guest, a member, the reporter
and an admin go through every surface, each through the running app."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from bot.ids import Field
from bot.standin.fakeslack import UploadedFile
from bot.standin.render import render_blocks
from storage.models import Process
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import run, waiting
from tests.e2e.support import answer, text_of, wait_for

SECRET = "Jane Doe"  # in P1's title: private
MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
def walk(coach: Coach) -> Coach:
    coach.fake.add_channel(TEAM, "C_HR", "hr", private=True)
    coach.fake.add_user(TEAM, "U_GUEST", "gus", tz="UTC", is_restricted=True)
    assert "P1" in slash(coach, "U_ANA", "Fix salary of Jane Doe after PIP 30m", "C_HR")
    assert "P2" in slash(coach, "U_BEN", "Reconcile Stripe payouts 45m", "C_OPS")
    assert "P3" in slash(coach, "U_GUEST", "Copy leads into the CRM 20m", "C_OPS")
    return coach


def slash(coach: Coach, user: str, text: str, channel: str = "C_OPS") -> str:
    reply = coach.sim.slash(user, channel, text)
    assert reply.ok, reply.body
    return answer(reply)


def private(coach: Coach) -> dict[int, bool]:
    with coach.db.transaction() as s:
        return {p.number: p.private for p in s.query(Process)}


def exported(coach: Coach, user: str) -> tuple[str, str]:
    """(processes.csv, occurrences.csv) as the person got them by DM ('' when not sent)."""
    before = len(coach.fake.files)
    slash(coach, user, "export")
    files: list[UploadedFile] = wait_for(
        lambda: [f for f in coach.fake.files[before:] if f.shared] or None
    )
    tables = {f.filename.split("-")[2]: f.content.decode("utf-8") for f in files}
    return tables.get("processes", ""), tables.get("occurrences", "")


def home(coach: Coach, user: str) -> str:
    coach.sim.open_home(user)

    def drawn() -> str:
        view = coach.fake.home_of(TEAM, user)
        return "\n".join(render_blocks(view.blocks)) if view else ""

    return wait_for(drawn)


SEES_P1 = {"U_ANA": True, "U_ADMIN": True, "U_CAM": False, "U_GUEST": False}


def test_a_private_channels_process_is_private_and_a_public_ones_public(walk: Coach) -> None:
    assert private(walk) == {1: True, 2: False, 3: False}


@pytest.mark.parametrize("user", sorted(SEES_P1))
def test_each_person_sees_what_the_rule_says_on_every_surface(walk: Coach, user: str) -> None:
    sees = SEES_P1[user]
    guest = user == "U_GUEST"
    listed = slash(walk, user, "list")
    assert (SECRET in listed) is sees, listed
    assert ("Reconcile Stripe payouts" in listed) is not guest, listed
    assert "Copy leads into the CRM" in listed or user == "U_ANA" or user == "U_CAM"
    shown = slash(walk, user, "show P1")
    assert (SECRET in shown) is sees and (("There's no P1 here" in shown) is not sees), shown
    assert "There's no P2 here" in slash(walk, user, "show P2") if guest else True

    stats = slash(walk, user, "stats")
    processes = {"U_ANA": 3, "U_ADMIN": 3, "U_CAM": 2, "U_GUEST": 1}[user]
    assert f"*Processes reported*\n{processes} ({processes} open)" in stats, stats
    assert ("Counted over" in stats) is (user != "U_ADMIN")

    drawn = home(walk, user)
    assert (SECRET in drawn) is (sees and user == "U_ADMIN" or user == "U_ANA"), drawn

    table, reports = exported(walk, user)
    assert (SECRET in table + reports) is sees
    rows = list(csv.DictReader(io.StringIO(reports)))
    if guest:
        assert table == "" and {r["user"] for r in rows} == {"U_GUEST"}
    else:
        assert len(rows) == (3 if sees else 2)
        assert all(r["private"] == ("yes" if r["ref"] == "P1" else "no") for r in _rows(table))

    before = len(walk.fake.messages)  # the answer to this mention, not `stats` (it names P1)
    walk.sim.mention(user, "C_OPS", "show P1")
    said = wait_for(
        lambda: [
            m
            for m in walk.fake.messages[before:]
            if m.user == user and m.source != "user" and "P1" in text_of(m)
        ]
    )
    assert (SECRET in text_of(said[-1])) is sees


def _rows(table: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(table)))


def test_a_report_elsewhere_never_joins_nor_names_a_process_its_reporter_may_not_see(
    walk: Coach,
) -> None:
    said = slash(walk, "U_CAM", "Fix the salary of Jane Doe after PIP 10m", "C_OPS")
    assert "P4" in said and "P1" not in said and "Same as" not in said, said
    assert private(walk)[4] is False  # cam's own, in a public channel
    # ana may see P1: privately (a command's answer is hers alone), her report joins it.
    assert "on P1" in slash(walk, "U_ANA", "fix salary of Jane Doe after PIP 5m", "C_FIN")
    # In a public thread, everyone would read the answer: P1 is not joined nor named there.
    walk.sim.mention("U_ANA", "C_OPS", "fix salary of Jane Doe after PIP 5m")
    reply = wait_for(
        lambda: [m for m in walk.fake.messages_in("C_OPS") if "Logged 5m" in text_of(m)]
    )
    assert "P1" not in text_of(reply[-1]), text_of(reply[-1])


def test_digests_cover_their_own_channel_or_the_public_processes(walk: Coach) -> None:
    slash(walk, "U_ANA", "digest here weekly mon 09:00 UTC", "C_HR")
    slash(walk, "U_BEN", "digest here weekly mon 09:00 UTC", "C_OPS")
    wide = slash(walk, "U_BEN", "digest here weekly mon 09:00 UTC workspace", "C_FIN")
    assert "every public process of the workspace" in wide, wide
    covers = slash(walk, "U_BEN", "digest preview", "C_OPS")
    assert "Covers the processes first reported in <#C_OPS>" in covers
    preview = slash(walk, "U_CAM", "digest preview", "C_OPS")
    assert SECRET not in preview and "Reconcile Stripe payouts" in preview

    assert run(walk, "digests", MONDAY_9)["digests"] == 3
    posted = {c: digest_text(walk, c) for c in ("C_HR", "C_OPS", "C_FIN")}
    assert SECRET in posted["C_HR"] and "Reconcile Stripe" not in posted["C_HR"]
    assert SECRET not in posted["C_OPS"] and "Reconcile Stripe payouts" in posted["C_OPS"]
    assert SECRET not in posted["C_FIN"] and "Reconcile Stripe payouts" in posted["C_FIN"]
    assert "Public manual work digest" in posted["C_FIN"]
    assert "Copy leads into the CRM" in posted["C_FIN"]


def digest_text(coach: Coach, channel: str) -> str:
    (message,) = [
        m for m in coach.fake.messages_in(channel) if m.source == "api" and "digest" in m.text
    ]
    return "\n".join(render_blocks(message.blocks))


@pytest.mark.parametrize(
    "where",
    ["dm", "group_dm", "missing_scope", "slack_error", "private_channel"],
)
def test_whenever_the_bot_cannot_tell_the_process_is_private(coach: Coach, where: str) -> None:
    channel = {"dm": "DU_ANA", "group_dm": "G_MPIM"}.get(where, "C_SECRET")
    if where == "group_dm":
        coach.fake.add_channel(TEAM, channel, "mpdm-ana--ben-1", mpim=True)
    elif where == "private_channel":
        coach.fake.add_channel(TEAM, channel, "secret", private=True)
    elif where == "missing_scope":  # installed before the manifest asked for channels:read
        coach.fake.add_channel(TEAM, channel, "secret")
        coach.fake.team(TEAM).missing_scopes.add("channels:read")
    elif where == "slack_error":  # Slack fails to answer, even after the SDK's retries
        coach.fake.add_channel(TEAM, channel, "secret")
        coach.fake.fail("conversations.info", status=500, times=10)
    assert "P1" in slash(coach, "U_ANA", f"Fix salary of {SECRET} after PIP 30m", channel)
    assert private(coach) == {1: True}
    assert SECRET not in slash(coach, "U_CAM", "list")
    assert SECRET in slash(coach, "U_ADMIN", "list")


def test_a_merge_keeps_private_reports_private(walk: Coach) -> None:
    assert "Merged P1 into P2" in slash(walk, "U_ADMIN", "merge P2 P1")
    assert private(walk)[2] is True
    assert SECRET not in slash(walk, "U_CAM", "list")
    assert "Reconcile Stripe payouts" in slash(walk, "U_BEN", "list")  # ben reported it


def test_a_merge_notice_never_names_a_process_its_owner_may_not_see(walk: Coach) -> None:
    """Cam owns the public P2; an admin merges the private P1 into it. Cam hears of the
    merge in his DM of the day by P1's id only, never its title (he may see P2, which he
    owns, but never saw P1)."""
    assert "now own" in slash(walk, "U_CAM", "own P2")
    assert "Merged P1 into P2" in slash(walk, "U_ADMIN", "merge P2 P1")
    (told,) = [r for r in waiting(walk, "U_CAM") if r.kind == "merged_for_you"]
    said = told.text + "\n".join(render_blocks(told.blocks))
    assert SECRET not in said and "P1" in said and "Reconcile Stripe payouts" in said, said


def test_a_note_written_in_a_private_channel_stays_there_on_a_public_process(
    walk: Coach,
) -> None:
    """Ana reports the public P2 from the private #hr, with a note naming a salary: her
    report counts on P2, but what she wrote there reaches only admins (and her)."""
    walk.sim.slash("U_ANA", "C_HR", "")
    [form] = wait_for(lambda: walk.fake.open_modals(TEAM, "U_ANA"))
    note = f"{SECRET}'s new salary is 95k"
    done = walk.sim.submit(
        "U_ANA",
        form,
        {Field.WHAT: "Reconcile Stripe payouts", Field.HOW_LONG: "30m", Field.NOTES: note},
    )
    assert done.status == 200 and not (done.json or {}).get("errors")
    assert private(walk)[2] is False  # P2 itself stays public
    for user, sees in (("U_CAM", False), ("U_BEN", False), ("U_ANA", True), ("U_ADMIN", True)):
        table, reports = exported(walk, user)
        assert ("95k" in table + reports) is sees, (user, reports)
        rows = [r for r in csv.DictReader(io.StringIO(reports)) if r["process"] == "P2"]
        assert len(rows) == 2, (user, rows)  # her minutes count for everyone who sees P2


def test_members_of_a_private_channel_may_take_its_who_owns_this(walk: Coach) -> None:
    """ "Who owns this?" about a private process is posted in its own channel, where every
    member reads it; its button and ➕ work for them (as a report there joins it), not only
    for its reporters. A guest there still reaches only their own."""
    coach = walk
    walk.fake.add_user(TEAM, "U_CAM", "cam", tz="UTC")
    for _ in range(2):
        assert "P1" in slash(coach, "U_ANA", "Fix salary of Jane Doe after PIP 2h", "C_HR")
    run(coach, "nudges", coach.clock.now() + timedelta(days=1, hours=2))
    [ask] = [m for m in coach.fake.messages_in("C_HR") if m.from_bot and "Who owns" in m.text]
    coach.sim.react("U_CAM", ask, "heavy_plus_sign")
    wait_for(lambda: owner_and_reporters(coach)[1] == {"U_ANA", "U_CAM"})
    coach.sim.react("U_GUEST", ask, "heavy_plus_sign")
    coach.sim.click("U_GUEST", ask, action_id="process_take_ownership")
    coach.sim.click("U_BEN", ask, action_id="process_take_ownership")
    wait_for(lambda: owner_and_reporters(coach)[0] == "U_BEN")
    assert owner_and_reporters(coach)[1] == {"U_ANA", "U_CAM"}  # not the guest's ➕
    assert SECRET not in text_of(coach.sim.slash("U_GUEST", "C_HR", "show P1").message)


def owner_and_reporters(coach: Coach) -> tuple[str | None, set[str]]:
    with coach.db.transaction() as s:
        p1 = s.query(Process).filter(Process.number == 1).one()
        return p1.owner_id, {o.user_id for o in p1.occurrences}
