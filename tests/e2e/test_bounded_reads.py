"""Issue 17: what a click costs doesn't grow with a process's history. Splitting a report
off, undoing one, and undoing the report that brought a retired process back each asked
"how many reports has this process?" by counting all of them; they now read at most a
row or two. Through the app, over HTTP, on a process with thousands of reports."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from sqlalchemy import event, insert

from bot.ids import Action, Field
from storage.models import Occurrence
from tests.conftest import Coach
from tests.e2e.support import answer, occurrences, process, processes, wait_for

HISTORY = 3000


def report(coach: Coach, text: str, user: str = "U_ANA") -> Any:
    reply = coach.sim.slash(user, "C_OPS", text)
    assert reply.status == 200, reply.body
    return reply


def _long_history(coach: Coach) -> None:
    """P1 with `HISTORY` reports, all older than a week (so none can be undone)."""
    report(coach, "Reconcile Stripe payouts 45m")
    p1 = process(coach.db, "P1")
    start = coach.clock.now() - timedelta(days=400)
    with coach.db.transaction() as session:
        session.execute(
            insert(Occurrence),
            [
                {
                    "team_id": "T0001",
                    "process_id": p1.id,
                    "user_id": "U_CAM",
                    "minutes": 30,
                    "default_duration": False,
                    "occurred_at": start + timedelta(hours=2 * i),
                    "source": "command",
                    "slack_key": f"history:{i}",
                    "regression": False,
                }
                for i in range(HISTORY)
            ],
        )


@contextmanager
def statements(coach: Coach) -> Iterator[list[str]]:
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(coach.db.engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(coach.db.engine, "before_cursor_execute", note)


READS = re.compile(r"^SELECT .* FROM occurrences\b", re.IGNORECASE)


def _counted(sent: list[str]) -> list[str]:
    """Statements that read a process's reports unbounded: a count or a sum over them, or
    its rows with no LIMIT. (A person's own reports of a day, the limits', are bounded by
    those very limits: they name the person.)"""
    return [
        s
        for s in sent
        if READS.search(s)
        and "process_id" in s.split(" WHERE ", 1)[-1]
        and "user_id =" not in s
        and (re.search(r"\b(count|sum)\(", s, re.IGNORECASE) or " LIMIT " not in s.upper())
    ]


def test_splitting_a_report_off_a_long_process_reads_a_row_or_two(coach: Coach) -> None:
    _long_history(coach)
    reply = report(coach, "Reconcile Stripe payouts for Acme 30m", user="U_ANA")
    assert "on P1" in answer(reply)
    with statements(coach) as sent:
        click = coach.sim.click("U_ANA", reply.message, action_id=Action.SPLIT_REPORT)
        assert click.status == 200
        assert wait_for(lambda: len(processes(coach.db)) == 2)
    assert _counted(sent) == [], _counted(sent)
    p2 = process(coach.db, "P2")
    assert [o.user_id for o in occurrences(coach.db) if o.process_id == p2.id] == ["U_ANA"]


def test_undoing_a_report_on_a_long_process_reads_a_row_or_two(coach: Coach) -> None:
    _long_history(coach)
    reply = report(coach, "Reconcile Stripe payouts 30m")
    with statements(coach) as sent:
        click = coach.sim.click("U_ANA", reply.message, action_id=Action.UNDO_REPORT)
        assert click.status == 200
        assert wait_for(lambda: len(occurrences(coach.db)) == HISTORY + 1)
    assert _counted(sent) == [], _counted(sent)
    assert len(processes(coach.db)) == 1  # it has other reports: it stays


def test_undoing_what_brought_a_long_retired_process_back_reads_a_row_or_two(
    coach: Coach,
) -> None:
    _long_history(coach)
    first = report(coach, "Reconcile Stripe payouts 30m")
    assert coach.sim.click("U_ANA", first.message, action_id=Action.MARK_AUTOMATED).ok
    [form] = wait_for(lambda: coach.fake.open_modals("T0001", "U_ANA"))
    link = "https://github.com/acme/ops/pull/42"
    done = coach.sim.submit("U_ANA", form, {Field.LINK: link, Field.HOW: "A nightly job"})
    assert done.status == 200 and not (done.json or {}).get("errors")
    assert wait_for(lambda: process(coach.db, "P1").status == "retired")
    coach.clock.advance(timedelta(days=1))
    back = report(coach, "Reconcile Stripe payouts 20m")
    assert wait_for(lambda: process(coach.db, "P1").status == "came_back")
    with statements(coach) as sent:
        click = coach.sim.click("U_ANA", back.message, action_id=Action.UNDO_REPORT)
        assert click.status == 200
        assert wait_for(lambda: process(coach.db, "P1").status == "retired")
    assert _counted(sent) == [], _counted(sent)


def test_a_report_on_a_long_process_reads_its_days_not_its_reports(coach: Coach) -> None:
    """The acknowledgement's card: its 28 days from `process_days`, a row a day."""
    _long_history(coach)
    with statements(coach) as sent:
        said = answer(report(coach, "Reconcile Stripe payouts 30m", user="U_BEN"))
    assert "on P1" in said and "Done 2 times in the last 28 days (1h 15m)" in said, said
    assert _counted(sent) == [], _counted(sent)
    assert [s for s in sent if "process_days" in s], sent


def test_show_reads_a_long_process_s_latest_five_reports_only(coach: Coach) -> None:
    _long_history(coach)
    with statements(coach) as sent:
        shown = answer(report(coach, "show P1"))
    assert "Recent reports" in shown and shown.count("@cam") + shown.count("@U_CAM") >= 4
    assert _counted(sent) == [], _counted(sent)
