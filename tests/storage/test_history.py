"""The history of each process (storage/history.py), on SQLite and PostgreSQL: each change
of state is written with its event, and what was eliminated on a date is read from what
each process was on that date, so a past week's figure stays put when a process comes back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.rules import Sight
from bot.domain.states import Event, Status
from storage import history
from storage.db import Database
from storage.models import Process, ProcessEvent
from tests.storage.test_queries import NOW, new_process

DAY = timedelta(days=1)


def _retire(s, proc: Process, minutes: float, at) -> None:
    history.record(
        s, process=proc, kind=Event.RETIRED, actor_id="U1", at=at, minutes_per_week=minutes
    )


def test_a_change_of_status_and_its_event_are_written_together(db: Database) -> None:
    with db.transaction() as s:
        proc = new_process(s, "payouts")
        assert history.set_owner(s, process=proc, owner_id="U2", actor_id="U1", at=NOW + DAY)
        assert not history.set_owner(s, process=proc, owner_id="U2", actor_id="U1", at=NOW + DAY)
        history.set_owner(s, process=proc, owner_id="U3", actor_id="U2", at=NOW + 2 * DAY)
        history.record(
            s, process=proc, kind=Event.SNOOZED, actor_id="U3", at=NOW + 3 * DAY, detail=None
        )
        assert proc.status == Status.MANUAL  # a snooze changes no status
        _retire(s, proc, 45.0, NOW + 4 * DAY)
        assert (proc.status, proc.status_changed_at) == (Status.RETIRED, NOW + 4 * DAY)
        history.record(s, process=proc, kind=Event.CAME_BACK, actor_id="U9", at=NOW + 5 * DAY)
        assert proc.status == Status.CAME_BACK and proc.owner_id == "U3"

        shown, total = history.lines(s, process_id=proc.id, limit=3)
        assert total == 6
        assert [(h.kind, h.actor_id) for h in shown] == [
            (Event.SNOOZED, "U3"),
            (Event.RETIRED, "U1"),
            (Event.CAME_BACK, "U9"),
        ]
        everything, _ = history.lines(s, process_id=proc.id, limit=10)
        assert [(h.kind, h.detail) for h in everything[:3]] == [
            (Event.REPORTED, None),
            (Event.OWNED, "U2"),
            (Event.REASSIGNED, "U3"),
        ]
        assert everything[0].at == NOW and everything[0].actor_id == "U1"


def test_eliminated_on_a_date_is_what_was_retired_then(db: Database) -> None:
    with db.transaction() as s:
        a, b = new_process(s, "a"), new_process(s, "b")
        other = new_process(s, "other", team_id="T0002")
        _retire(s, a, 30.0, NOW + DAY)
        _retire(s, b, 12.5, NOW + 2 * DAY)
        _retire(s, other, 99.0, NOW + DAY)
        history.record(s, process=a, kind=Event.CAME_BACK, actor_id="U2", at=NOW + 3 * DAY)
        _retire(s, a, 40.0, NOW + 5 * DAY)

        def as_of(days: float) -> float:
            return history.eliminated_as_of(s, sight=Sight.whole("T0001"), at=NOW + days * DAY)

        assert as_of(1) == 0.0  # retired at that very moment: counted from just after
        assert as_of(1.5) == pytest.approx(30.0)
        assert as_of(2.5) == pytest.approx(42.5)
        assert as_of(4) == pytest.approx(12.5)  # a came back: gone from the total
        assert as_of(6) == pytest.approx(52.5)  # retired again, with its new figure
        assert history.eliminated_as_of(s, sight=Sight.whole("T0001")) == pytest.approx(52.5)
        ends = [NOW + d * DAY for d in (1.5, 2.5, 4, 6)]
        assert history.eliminated_weekly(s, sight=Sight.whole("T0001"), ends=ends) == pytest.approx(
            [30.0, 42.5, 12.5, 52.5]
        )
        assert history.eliminated_weekly(s, sight=Sight.whole("T0001"), ends=[]) == []

        retired, total = history.retirements_between(
            s, sight=Sight.whole("T0001"), start=NOW, end=NOW + 6 * DAY, limit=2
        )
        assert total == 3  # a twice, b once
        assert [(p.title, e.minutes_per_week) for p, e in retired] == [("a", 40.0), ("a", 30.0)]


def test_a_removed_process_takes_its_history_with_it(db: Database) -> None:
    with db.transaction() as s:
        proc = new_process(s, "payouts")
        s.delete(proc)
        s.flush()
        assert s.scalar(select(func.count()).select_from(ProcessEvent)) == 0
