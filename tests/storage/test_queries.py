"""storage.queries on SQLite and PostgreSQL: numbering, idempotency keys, load windows,
ranking, undo, merge, eliminated totals, event claims and workspace isolation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.domain.windows import instant, ranking
from storage import claims, occurrences, people, posts, processes, rollups
from storage.db import Database
from storage.models import Occurrence, Process, Workspace

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=28)


def new_process(session, title: str, *, team_id: str = "T0001", reporter: str = "U1") -> Process:
    return processes.create_process(
        session,
        team_id=team_id,
        title=title,
        normalized_title=title.lower(),
        reporter_id=reporter,
        channel_id="C1",
        now=NOW,
    )


def add(session, proc: Process, minutes: int, key: str, *, user: str = "U1", at=NOW):
    """Store a report; its row, or None when the key was stored before."""
    stored = occurrences.insert_occurrence(
        session,
        team_id=proc.team_id,
        process_id=proc.id,
        user_id=user,
        minutes=minutes,
        default_duration=False,
        occurred_at=at,
        source="command",
        slack_key=key,
        text=f"thing {minutes}m",
        channel_id="C1",
    )
    return None if stored is None else session.get(Occurrence, stored)


def test_process_numbers_count_per_workspace(db: Database) -> None:
    with db.transaction() as s:
        a1, a2 = new_process(s, "a one"), new_process(s, "a two")
        b1 = new_process(s, "b one", team_id="T0002")
        assert (a1.ref, a2.ref, b1.ref) == ("P1", "P2", "P1")
    with db.transaction() as s:
        assert processes.process_by_ref(s, team_id="T0001", number=2).title == "a two"
        assert processes.process_by_ref(s, team_id="T0002", number=1).title == "b one"
        assert processes.process_by_ref(s, team_id="T0002", number=2) is None
        assert processes.process_by_id(s, team_id="T0002", process_id=a1.id) is None
        assert processes.process_by_id(s, team_id="T0001", process_id=a1.id).title == "a one"
        assert s.get(Workspace, "T0001").next_process_number == 3


def test_a_rolled_back_transaction_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError), db.transaction() as s:
        proc = new_process(s, "half written")
        add(s, proc, 10, "k1")
        raise RuntimeError("boom")
    with db.transaction() as s:
        assert s.query(Process).count() == 0
        assert s.query(Occurrence).count() == 0
        assert s.get(Workspace, "T0001") is None


def test_slack_keys_are_unique_per_workspace(db: Database) -> None:
    with db.transaction() as s:
        proc = new_process(s, "payouts")
        other = new_process(s, "payouts", team_id="T0002")
        add(s, proc, 10, "command:abc")
        add(s, other, 10, "command:abc")  # the same key in another workspace is fine
        assert (
            occurrences.occurrence_by_key(s, team_id="T0001", slack_key="command:abc") is not None
        )
        assert occurrences.occurrence_by_key(s, team_id="T0001", slack_key="command:zzz") is None
    with db.transaction() as s:  # a retry of the same key stores nothing
        proc = processes.process_by_ref(s, team_id="T0001", number=1)
        assert add(s, proc, 20, "command:abc") is None
    with db.transaction() as s:
        assert s.query(Occurrence).count() == 2


def test_load_counts_the_window_only(db: Database) -> None:
    first = ranking(NOW).start  # a card's 28 days, read from the days' rollups
    with db.transaction() as s:
        p, q = new_process(s, "p"), new_process(s, "q")
        add(s, p, 45, "k1")
        add(s, p, 30, "k2", at=instant(first))  # on the boundary: counted
        add(s, p, 60, "k3", at=instant(first) - timedelta(microseconds=1))  # just outside
        load = rollups.load_since(s, process_ids=[p.id, q.id], first_day=first)
        assert load == {p.id: (2, 75), q.id: (0, 0)}
        assert rollups.load_since(s, process_ids=[], first_day=first) == {}
        row = processes.card_row(s, process_id=p.id, first_day=first)
        assert row is not None and (row.load_count, row.load_minutes) == (2, 75)


def test_top_processes_rank_by_minutes_with_filters(db: Database) -> None:
    with db.transaction() as s:
        small, big, idle = new_process(s, "small"), new_process(s, "big"), new_process(s, "idle")
        retired = new_process(s, "retired")
        elsewhere = new_process(s, "elsewhere", team_id="T0002")
        add(s, small, 10, "k1")
        add(s, big, 100, "k2")
        add(s, retired, 300, "k3")
        add(s, elsewhere, 400, "k4")
        retired.status = "retired"
        big.owner_id = "U9"
        s.flush()
        whole, window = Sight.whole("T0001"), ranking(NOW)
        ranked = rollups.loads(s, sight=whole, window=window, statuses=OPEN_STATUSES)
        assert [(r.process.title, r.reports, r.minutes) for r in ranked] == [
            ("big", 1, 100),
            ("small", 1, 10),
            ("idle", 0, 0),
        ]
        assert [
            r.process.title
            for r in rollups.loads(s, sight=whole, window=window, statuses=OPEN_STATUSES, limit=1)
        ] == ["big"]
        mine = rollups.loads(s, sight=whole, window=window, statuses=OPEN_STATUSES, owner_id="U9")
        assert [r.process.title for r in mine] == ["big"]
        assert processes.count_processes(s, sight=Sight.whole("T0001"), statuses=OPEN_STATUSES) == 3
        assert processes.count_processes(s, sight=Sight.whole("T0001"), statuses=("retired",)) == 1
        assert idle.id  # unused otherwise


def test_last_report_and_undo(db: Database) -> None:
    with db.transaction() as s:
        p = new_process(s, "p")
        add(s, p, 10, "k1", user="U1")
        add(s, p, 20, "k2", user="U2")
        last = add(s, p, 30, "k3", user="U1")
        assert occurrences.last_report_by(s, team_id="T0001", user_id="U1").id == last.id
        assert occurrences.last_report_by(s, team_id="T0002", user_id="U1") is None
        assert [
            o.minutes for o in occurrences.recent_reports_by(s, team_id="T0001", user_id="U1")
        ] == [
            30,
            10,
        ]
        occurrences.delete_occurrence(s, occurrence=last)
        assert s.get(Process, p.id) is not None  # other reports remain


def test_deleting_the_only_report_of_a_process_removes_it_whatever_its_state(
    db: Database,
) -> None:
    with db.transaction() as s:
        lone, owned, kept, into = (new_process(s, t) for t in ("lone", "owned", "kept", "into"))
        owned.owner_id, owned.status = "U1", "retired"
        merged = new_process(s, "merged")
        merged.merged_into_id, merged.status = into.id, "merged"
        reports = [add(s, p, 10, f"k{i}") for i, p in enumerate((lone, owned, kept, kept, into))]
        gone = [occurrences.delete_occurrence(s, occurrence=o) for o in reports[:3]]
        assert gone == [True, True, False]  # `kept` has another report
        assert occurrences.delete_occurrence(s, occurrence=reports[4]) is False  # merged into
        ids = [p.id for p in (lone, owned, kept, into)]
    with db.transaction() as s:
        assert [s.get(Process, i) is not None for i in ids] == [False, False, True, True]


def test_move_occurrences_and_matchable_titles(db: Database) -> None:
    with db.transaction() as s:
        keep, gone = new_process(s, "keep"), new_process(s, "gone")
        add(s, keep, 10, "k1")
        add(s, gone, 20, "k2")
        add(s, gone, 30, "k3")
        assert occurrences.move_occurrences(s, from_process=gone, to_process=keep) == 2
        gone.merged_into_id = keep.id
        gone.status = "merged"
        s.flush()
        first = ranking(NOW).start
        assert rollups.load_since(s, process_ids=[keep.id], first_day=first)[keep.id] == (3, 60)
        assert processes.matchable_titles(s, team_id="T0001") == [(keep.id, "keep", "manual")]
        assert processes.matchable_titles(s, team_id="T0002") == []


def test_claim_event_is_true_once(db: Database) -> None:
    with db.transaction() as s:
        assert claims.claim_event(s, event_id="Ev1", team_id="T0001", now=NOW)
        assert not claims.claim_event(s, event_id="Ev1", team_id="T0001", now=NOW)
    with db.transaction() as s:
        assert not claims.claim_event(s, event_id="Ev1", team_id="T0001", now=NOW)
        assert claims.claim_event(s, event_id="Ev2", team_id="T0001", now=NOW)


def test_bot_messages_and_cached_users_round_trip(db: Database) -> None:
    with db.transaction() as s:
        posts.remember_bot_message(
            s,
            team_id="T0001",
            channel_id="C1",
            ts="1.2",
            kind="celebration",
            process_ids=[3, 4],
            now=NOW,
        )
        posts.remember_bot_message(
            s,
            team_id="T0001",
            channel_id="C1",
            ts="1.2",
            kind="celebration",
            process_ids=[5],
            now=NOW,
        )
        people.save_user(
            s, team_id="T0001", user_id="U1", name="Ana", tz="UTC", is_admin=True, now=NOW
        )
    with db.transaction() as s:
        msg = posts.bot_message(s, team_id="T0001", channel_id="C1", ts="1.2")
        assert msg is not None and msg.process_ids == [5]
        assert posts.bot_message(s, team_id="T0002", channel_id="C1", ts="1.2") is None
        user = people.cached_user(s, team_id="T0001", user_id="U1")
        assert user is not None and user.is_admin and user.fetched_at == NOW
        assert people.cached_user(s, team_id="T0002", user_id="U1") is None


def test_texts_in_any_script_round_trip(db: Database) -> None:
    title = "🤖 Сверка платежей · 支払いの照合 ' OR 1=1; DROP TABLE processes; --"
    with db.transaction() as s:
        p = new_process(s, title)
        add(s, p, 5, "k1")
    with db.transaction() as s:
        assert processes.process_by_ref(s, team_id="T0001", number=1).title == title
