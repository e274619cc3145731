"""The pure parts of a process's history: what was eliminated on a date (bot.domain.history),
a process that came back is asked about like manual work, and how `show` words each event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.history import Change, HistoryLine, eliminated_before, eliminated_series
from bot.domain.schedule import ProcessState, nudge_due
from bot.domain.states import OPEN_STATUSES, STATUS_AFTER, Event, Status
from bot.messages.history import history_block, history_line

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def test_eliminated_counts_what_was_retired_just_before_each_date() -> None:
    changes = [
        Change(1, Event.REPORTED, NOW, None),
        Change(1, Event.RETIRED, NOW + DAY, 60.0),
        Change(2, Event.RETIRED, NOW + DAY, 15.0),
        Change(1, Event.CAME_BACK, NOW + 3 * DAY, None),
        Change(1, Event.RETIRED, NOW + 5 * DAY, 90.0),
        Change(2, Event.MERGED, NOW + 6 * DAY, None),
    ]
    ends = [NOW + d * DAY for d in (0, 1, 2, 4, 5.5, 7)]
    assert eliminated_series(changes, ends) == pytest.approx([0, 0, 75, 15, 105, 90])
    assert eliminated_before(changes, NOW + 2 * DAY) == pytest.approx(75)
    assert eliminated_series([], ends) == [0.0] * len(ends)


def test_a_process_that_came_back_is_open_and_asked_about_again() -> None:
    assert Status.CAME_BACK in OPEN_STATUSES and Status.RETIRED not in OPEN_STATUSES
    assert STATUS_AFTER[Event.CAME_BACK] == Status.CAME_BACK
    assert Event.OWNED not in STATUS_AFTER and Event.SNOOZED not in STATUS_AFTER
    state = ProcessState(
        process_id=1,
        status=Status.CAME_BACK,
        owner_id="U_ANA",
        minutes_in_window=400,
        count_in_window=4,
        snoozed_until=None,
        review_at=None,
        status_changed_at=NOW,
        last_nudged=None,
        last_followup=None,
        last_who_owns=None,
    )
    assert nudge_due(state, NOW, threshold=15)


def test_each_event_says_what_who_and_how() -> None:
    def said(kind: Event, actor: str | None, detail: str | None = None) -> str:
        return history_line(HistoryLine(kind, actor, NOW, detail)).split(" · ", 1)[1]

    assert said(Event.REPORTED, "U_ANA") == "reported by <@U_ANA>"
    assert said(Event.OWNED, "U_ANA", "U_ANA") == "taken on by <@U_ANA>"
    assert said(Event.OWNED, "U_BEN", "U_ANA") == "handed to <@U_ANA> by <@U_BEN>"
    assert said(Event.REASSIGNED, "U_ANA", "U_BEN") == "handed to <@U_BEN> by <@U_ANA>"
    assert said(Event.REASSIGNED, "U_BEN", "U_BEN") == "taken over by <@U_BEN>"
    assert said(Event.REASSIGNED, None, "U_BEN") == "handed to <@U_BEN>"
    assert said(Event.RETIRED, "U_ANA", "https://x.test/1") == (
        "retired by <@U_ANA>: <https://x.test/1|x.test/1>"
    )
    assert said(Event.RETIRED, "U_ANA", "a cron job") == "retired by <@U_ANA>: a cron job"
    assert said(Event.ACCEPTED, "U_ANA", "no time") == "accepted as manual by <@U_ANA>: no time"
    assert said(Event.CAME_BACK, "U_BEN") == "came back: reported again by <@U_BEN>"
    assert said(Event.MERGED, None, "P3") == "merged into P3"
    assert said(Event.MERGED_IN, "U_ADMIN", "P9") == "P9 merged in by <@U_ADMIN>"
    assert said(Event.SNOOZED, "U_ANA") == "snoozed for two weeks by <@U_ANA>"
    assert history_line(HistoryLine(Event.REPORTED, "U_ANA", NOW, None)).startswith(
        "• <!date^1795442400^{date_short}|23 Nov 2026>"
    )


def test_a_long_history_says_how_many_earlier_events_it_leaves_out() -> None:
    lines = [HistoryLine(Event.SNOOZED, "U_ANA", NOW + i * DAY, None) for i in range(3)]
    text = history_block(lines, total=10)["text"]["text"]
    assert text.startswith("*History*\n… and 7 earlier\n•")
    assert text.count("•") == 3
    assert "earlier" not in history_block(lines, total=3)["text"]["text"]
