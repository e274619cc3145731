"""Help and Home through the app: `/manual-task help` and a mention's `help` name every
command the parser knows, Home lists them too, and Home's times are the viewer's own."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from tests.conftest import Coach
from tests.e2e.test_insights import home_text, slash, wait_home
from tests.unit.test_help import COMMAND_WORDS


def _names_every_command(text: str) -> None:
    missing = [w for w in sorted(COMMAND_WORDS) if not re.search(f"`{re.escape(w)}[` ]", text)]
    assert not missing, missing


def test_help_by_command_and_by_mention_names_every_command(coach: Coach) -> None:
    said = slash(coach, "U_BEN", "help")
    _names_every_command(said)
    assert ":zzz:" in said and "Home tab" in said and "`digest preview`" in said
    assert coach.sim.mention("U_BEN", "C_OPS", "<@UBOT1> help").ok
    reply = coach.fake.wait_for(
        lambda: next(
            (
                m
                for m in coach.fake.messages_in("C_OPS")
                if "`forget" in m.text or any("`forget" in str(b) for b in m.blocks)
            ),
            None,
        )
    )
    _names_every_command(str(reply.blocks))


def test_home_lists_every_command_and_says_when_in_the_viewers_time_zone(coach: Coach) -> None:
    coach.clock.set(datetime(2026, 11, 23, 14, 5, tzinfo=UTC))
    slash(coach, "U_CAM", "Reconcile Stripe payouts 45m")  # Cam is in Tokyo: 23:05 there
    assert coach.sim.open_home("U_CAM").ok
    home = wait_home(coach, "U_CAM", "What you can do", "Updated")
    _names_every_command(home)
    assert "Updated Mon 23 Nov 23:05 JST" in home and "UTC" not in home
    assert "45m on Mon 23 Nov" in home
    coach.clock.set(datetime(2026, 11, 23, 16, 0, tzinfo=UTC))  # Tokyo: past midnight
    slash(coach, "U_CAM", "Reconcile Stripe payouts 30m")
    home = wait_home(coach, "U_CAM", "Updated Tue 24 Nov 01:00 JST")
    assert "30m on Tue 24 Nov" in home  # the report's day is Cam's day
    assert coach.sim.open_home("U_ANA").ok
    assert "Updated Mon 23 Nov 11:00 EST" in wait_home(coach, "U_ANA", "Updated")
    assert home_text(coach, "U_CAM").count("What you can do") == 1
