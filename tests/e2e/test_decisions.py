"""From a list of chores to decisions, end to end through the real app over HTTP: a
channel team's toil budget (its size counted or set, the budget a setting) in `toil` and
the digest, with the fewest processes whose automation brings it back under; the
processes only one person has done, to admins and the people concerned only; and, in the
first weekly digest of a month, quarter on quarter and manual minutes per unit of a
business volume, with its chart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from storage.decision_tables import business_volumes, channel_teams
from storage.models import Workspace
from tests.conftest import TEAM, Coach
from tests.e2e.helpers import run
from tests.e2e.test_digests import MONDAY_9_BERLIN, _digests, _text
from tests.e2e.test_insights import wait_home

FIRST_MONDAY_OF_DECEMBER = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Berlin


def _say(coach: Coach, user: str, text: str, channel: str = "C_FIN") -> str:
    reply = coach.sim.slash(user, channel, text)
    assert reply.ok, reply.text
    return str(reply.json["text"])


def _chores(coach: Coach) -> None:
    """3h 45m a week in #finance: P1 3h (two people), P2 30m (Ben alone), P3 15m (Cam)."""
    _say(coach, "U_ANA", "Close the month's books 6h")
    _say(coach, "U_BEN", "close the month's books 6h")
    _say(coach, "U_BEN", "Chase unpaid invoices 2h")
    _say(coach, "U_CAM", "Rotate VPN certificates 1h")


def _budget(coach: Coach) -> int | None:
    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        return ws.toil_budget_percent if ws else None


def test_toil_counts_the_team_and_names_the_fewest_processes_to_automate(coach: Coach) -> None:
    _chores(coach)
    said = _say(coach, "U_ANA", "toil")
    # Three people reported here: 3 × 40h; 3h 45m a week of it is 3.1%.
    assert "3.1%" in said and "3h 45m a week of 120h: 3 people × 40h a week" in said
    assert "within its 50% budget" in said
    assert "_budget_" not in said
    _say(coach, "U_ADMIN", "toil budget 2%")
    assert _budget(coach) == 2
    said = _say(coach, "U_ANA", "toil")
    assert "*over its 2% budget* by 1h 21m a week" in said  # 225m - 2% of 120h (144m)
    assert "Automating P1 · Close the month's books (3h a week) would bring it back under" in said
    assert "P2" not in said  # one process is enough: the fewest
    _say(coach, "U_ADMIN", "toil team 1")
    _say(coach, "U_ADMIN", "toil budget 1%")  # 24m of 40h: 3h 21m over
    said = _say(coach, "U_ANA", "toil")
    assert "1 person × 40h a week, as an admin set it" in said
    assert "P1 · Close the month's books (3h a week); P2 · Chase unpaid invoices" in said
    assert "P3" not in said
    _say(coach, "U_ADMIN", "toil team auto")
    assert "3 people × 40h" in _say(coach, "U_ANA", "toil")
    # The working week is the workspace's: 4 days of 6h make 24h a person.
    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        assert ws is not None
        ws.work_start, ws.work_end, ws.work_days = "09:00", "15:00", "0,1,2,3"
    assert "3 people × 24h a week" in _say(coach, "U_ANA", "toil")


def test_only_admins_change_the_toil_budget_and_bad_input_changes_nothing(coach: Coach) -> None:
    _chores(coach)
    assert "Only a workspace admin" in _say(coach, "U_ANA", "toil budget 40%")
    assert "Only a workspace admin" in _say(coach, "U_ANA", "toil team 6")
    assert "Only a workspace admin" in _say(coach, "U_ANA", "volume 2026-11 12000 orders")
    assert "isn't a team size" in _say(coach, "U_ADMIN", "toil team banana")
    assert "isn't a share of working hours" in _say(coach, "U_ADMIN", "toil budget 140%")
    assert "isn't a month" in _say(coach, "U_ADMIN", "volume 2026-13 12000 orders")
    assert "above 0" in _say(coach, "U_ADMIN", "volume 2026-11 -5 orders")
    assert _budget(coach) is None
    with coach.db.transaction() as s:
        assert s.execute(select(channel_teams)).all() == []
        assert s.execute(select(business_volumes)).all() == []
    # A report that starts with one of the words is still a report.
    assert "Logged 20m" in _say(coach, "U_ANA", "toil over the payroll export 20m")


def test_the_digest_shows_the_toil_budget_and_the_work_one_person_does(coach: Coach) -> None:
    _say(coach, "U_ANA", "digest here weekly mon 09:00 Europe/Berlin")
    _chores(coach)
    _say(coach, "U_ADMIN", "toil budget 2%")
    assert run(coach, "digests", MONDAY_9_BERLIN)["digests"] == 1
    text = _text(_digests(coach)[-1])
    assert "Toil budget: manual work is 3.1% of the team's working hours" in text
    assert "over its 2% budget" in text
    assert "Automating P1 · Close the month's books (3h a week) would bring it back under" in text
    # P2 (Ben's alone) and P3 (Cam's): 45m of the 3h 45m a week.
    assert "P2 and P3 (20% of the manual load) have only ever been done by one person" in text
    assert "Write down their steps first" in text
    assert "U_BEN" not in text.split("Biggest")[0]  # about processes, never people
    assert "Is ops growing faster" not in text  # not the first weekly digest of a month


def test_single_points_of_failure_go_to_admins_and_the_people_concerned(coach: Coach) -> None:
    coach.fake.add_channel(TEAM, "C_PRIV", "payroll", private=True)
    _chores(coach)
    _say(coach, "U_CAM", "Run the payroll by hand 1h", channel="C_PRIV")  # P4: private
    admin = _say(coach, "U_ADMIN", "stats")
    blocks = "\n".join(str(b) for b in coach.sim.slash("U_ADMIN", "C_FIN", "stats").json["blocks"])
    assert "P2, P3 and P4" in blocks and "have only ever been done by one person" in blocks
    assert admin  # the fallback text stays short
    ben = str(coach.sim.slash("U_BEN", "C_FIN", "stats").json["blocks"])
    assert "P2 (" in ben and "has only ever been done by one person" in ben
    assert "P3" not in ben and "P4" not in ben
    cam = str(coach.sim.slash("U_CAM", "C_FIN", "stats").json["blocks"])
    assert "P3 and P4" in cam  # the private one is Cam's own
    ana = str(coach.sim.slash("U_ANA", "C_FIN", "stats").json["blocks"])
    assert "only ever been done by one person" not in ana  # P1 has two people; none is hers
    assert "P4" not in ana
    # The Home tab tells each person of their own, and only theirs.
    assert coach.sim.open_home("U_BEN").ok
    home = wait_home(coach, "U_BEN", "only ever been done by one person")
    [line] = [x for x in home.splitlines() if "only ever been done by one person" in x]
    assert "P2 (" in line and "P3" not in line and "P4" not in line
    # Once someone else does it too, it is no single point of failure.
    _say(coach, "U_ANA", "Chase unpaid invoices 30m")
    ben = str(coach.sim.slash("U_BEN", "C_FIN", "stats").json["blocks"])
    assert "only ever been done by one person" not in ben


def test_the_first_weekly_digest_of_a_month_asks_if_ops_outgrows_the_business(
    coach: Coach,
) -> None:
    _say(coach, "U_ANA", "digest here weekly mon 09:00 Europe/Berlin")
    coach.clock.set(datetime(2026, 10, 14, 14, 0, tzinfo=UTC))  # October: 1h by Ana
    _say(coach, "U_ANA", "Reconcile Stripe payouts 1h")
    coach.clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # November: 3 hours, 2 people
    _say(coach, "U_ANA", "Reconcile Stripe payouts 1h")
    _say(coach, "U_BEN", "Reconcile Stripe payouts 2h")
    _say(coach, "U_ADMIN", "volume 2026-10 10000 orders")
    assert "Recorded 10,000 orders for November 2026" in _say(
        coach, "U_ADMIN", "volume 2026-11 10,000 orders"
    )
    listed = _say(coach, "U_ANA", "volume")
    assert "Oct 2026: 10,000 orders, 1h of manual work, 0.01 manual minutes per order" in listed
    assert "Nov 2026: 10,000 orders, 3h of manual work, 0.02 manual minutes per order" in listed
    assert run(coach, "digests", MONDAY_9_BERLIN)["charts"] == 1  # 30 Nov: the weekly chart
    coach.clock.set(datetime(2026, 12, 2, 14, 0, tzinfo=UTC))  # not a quiet week (one line)
    _say(coach, "U_BEN", "Reconcile Stripe payouts 30m")
    coach.fake.files.clear()
    sent = run(coach, "digests", FIRST_MONDAY_OF_DECEMBER)
    assert sent["charts"] == 2, sent
    text = _text(_digests(coach)[-1])
    assert "Is ops growing faster than the business?" in text
    assert "*Q4 2026 so far*" in text or "Q4 2026 so far" in text
    assert "2 people did manual work (0 the quarter before)" in text
    assert "More manual work was added than eliminated this quarter" in text
    assert "0.02 manual minutes per order in Nov 2026" in text
    assert "Manual work grew faster than orders" in text
    titles = [f.title for f in coach.fake.files]
    assert titles == [
        "Manual hours vs hours eliminated, last 12 weeks",
        "Manual work added vs eliminated, quarter on quarter",
    ]
    assert all(f.content.startswith(b"\x89PNG") for f in coach.fake.files)
    # A second run at the same instant sends nothing again.
    assert run(coach, "digests", FIRST_MONDAY_OF_DECEMBER + timedelta(minutes=5))["digests"] == 0


def test_coach_volume_import_from_a_csv(
    coach: Coach,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _say(coach, "U_ANA", "Reconcile Stripe payouts 1h")  # the workspace exists
    monkeypatch.setenv("DATABASE_URL", coach.db.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("month,amount,unit\n2026-10,9000,orders\n2026-13,5,orders\n", encoding="utf-8")
    assert main(["volume", "import", str(bad)]) == 2
    assert "line 3: '2026-13' isn't a month" in capsys.readouterr().err
    with coach.db.transaction() as s:
        assert s.execute(select(business_volumes)).all() == []  # the good row neither
    good = tmp_path / "volumes.csv"
    good.write_text(
        'month,amount,unit\n2026-10,9000,orders\n\n2026-11,"12,000",orders\n', encoding="utf-8"
    )
    assert main(["volume", "import", str(good)]) == 0
    assert "Recorded 2 months of business volume in T0001." in capsys.readouterr().out
    with coach.db.transaction() as s:
        rows = s.execute(select(business_volumes.c.month, business_volumes.c.amount)).all()
    assert sorted(rows) == [(date(2026, 10, 1), 9000.0), (date(2026, 11, 1), 12000.0)]
    assert "Nov 2026: 12,000 orders" in _say(coach, "U_ANA", "volume")


def test_forgetting_an_admin_keeps_the_size_and_volume_they_set_without_their_name(
    coach: Coach, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chores(coach)
    _say(coach, "U_ADMIN", "toil team 3")
    _say(coach, "U_ADMIN", "volume 2026-11 12000 orders")
    monkeypatch.setenv("DATABASE_URL", coach.db.url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["forget", "--user", "U_ADMIN", "--yes"]) == 0
    with coach.db.transaction() as s:
        assert s.execute(select(channel_teams.c.size, channel_teams.c.set_by)).all() == [(3, "")]
        assert s.execute(select(business_volumes.c.recorded_by)).all() == [("",)]


def test_the_monthly_digest_says_how_long_eliminating_took(coach: Coach) -> None:
    """Time to eliminate (first report to retirement, the median per quarter) is in stats
    and in the month's figures, the first weekly digest of each month."""
    _say(coach, "U_ANA", "digest here weekly mon 09:00 Europe/Berlin")
    coach.clock.set(datetime(2026, 10, 14, 14, 0, tzinfo=UTC))
    _say(coach, "U_ANA", "Reconcile Stripe payouts 1h")
    coach.clock.set(datetime(2026, 11, 20, 14, 0, tzinfo=UTC))  # 37 days later: retired
    _say(coach, "U_ADMIN", "retire P1 https://github.com/acme/ops/pull/7")
    coach.clock.set(datetime(2026, 12, 2, 14, 0, tzinfo=UTC))
    _say(coach, "U_BEN", "Export the payroll to Xero 30m")  # not a quiet week
    run(coach, "digests", FIRST_MONDAY_OF_DECEMBER)
    text = _text(_digests(coach)[-1])
    assert "Time to eliminate" in text and "37 days (1 retired)" in text
