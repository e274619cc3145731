"""Figures over windows of whole UTC days (bot/domain/windows.py), read from the rollups
(storage/rollup_tables.py) and never from the occurrences: what they read grows with
processes × weeks, not with the reports ever made. A window of whole calendar months
comes from `process_months` (0023); any other from `process_weeks` (Monday to Sunday),
the days at its edges from `process_days`, added, or taken from their week when that
reads fewer rows (`cover`). Read-only::

    loads(session, sight=sight, window=Window(date(2026, 11, 2), date(2026, 11, 30)))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, case, func, select, union_all
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.windows import Window, monday
from storage.models import Process
from storage.rollup_tables import process_days, process_months, process_reporters, process_weeks
from storage.visibility import only_seen, seen

_D, _W, _M, _R = process_days, process_weeks, process_months, process_reporters
_KEY = {"process_days": "day", "process_weeks": "week", "process_months": "month"}


@dataclass(frozen=True)
class Load:
    """One process and what was reported on it in a window."""

    process: Process
    reports: int
    minutes: int
    regression_minutes: int = 0


def days_from(which: Any, first_day: Any) -> Select[Any]:
    """(process_id, count, minutes) of the processes `which` selects, on the UTC days
    from `first_day` on, today's so far included (a card's 28 days): a row a process a
    day from `process_days`, never its occurrences. A process with none has no row."""
    return (
        select(
            _D.c.process_id,
            func.sum(_D.c.reports).label("count"),
            func.sum(_D.c.minutes).label("minutes"),
        )
        .where(which, _D.c.day >= first_day)
        .group_by(_D.c.process_id)
    )


def load_since(
    session: Session, *, process_ids: Sequence[int], first_day: date
) -> dict[int, tuple[int, int]]:
    """{process id: (reports, minutes)} on the days from `first_day` on (`days_from`)."""
    if not process_ids:
        return {}
    rows = session.execute(days_from(_D.c.process_id.in_(process_ids), first_day))
    found = {int(r[0]): (int(r[1]), int(r[2])) for r in rows}
    return {i: found.get(i, (0, 0)) for i in process_ids}


def _part(
    table: Any, key: Any, team_id: str, start: date, end: date | None, sign: int = 1
) -> Select[Any]:
    where = [table.c.team_id == team_id, key >= start]
    if end is not None:
        where.append(key < end)
    counts = (table.c.reports, table.c.minutes, table.c.regression_minutes)
    return select(
        table.c.process_id, *(c if sign > 0 else (-c).label(c.name) for c in counts)
    ).where(*where)


Part = tuple[Any, date, date | None, int]  # a table, [start, end) of its keys, added or taken


def _first_of_month(d: date | None) -> bool:
    return d is None or d.day == 1


def _length(table: Any, start: date, end: date | None) -> int:
    """Rows a process a range reads (at most); an open range of weeks counts none."""
    if end is None:
        return 0
    return (end - start).days // 7 if table is _W else (end - start).days


def cover(window: Window) -> list[Part]:
    """Rollup ranges whose signed sum is `window` exactly, reading as few rows a process
    as can be: whole calendar months from `process_months` when it is made of them (a
    quarter: 3 rows, not 13 weeks and the days at both ends); else whole weeks, with the
    days at each end added, or taken from the week they fall in when that reads fewer
    (28 days from a Tuesday: 4 weeks less a Monday, not 3 weeks and 6 days)."""
    start, end = window.start, window.end
    if _first_of_month(start) and _first_of_month(end):
        return [(_M, start, end, 1)]
    best: list[Part] = [(_D, start, end, 1)] if end is not None else []
    cost = (end - start).days if end is not None else None
    week = timedelta(weeks=1)
    ends = [None] if end is None else [monday(end), monday(end) + week]
    for w0 in (monday(start) + week, monday(start)):  # as before first: days added
        for w1 in ends:
            if w1 is not None and w1 <= w0:
                continue
            parts: list[Part] = [(_W, w0, w1, 1)]
            if start != w0:
                parts.append((_D, min(start, w0), max(start, w0), 1 if start < w0 else -1))
            if w1 is not None and end is not None and end != w1:
                parts.append((_D, min(end, w1), max(end, w1), 1 if w1 < end else -1))
            rows = sum(_length(t, a, b) for t, a, b, _ in parts)
            if w1 is None and w0 == monday(start):
                rows += 1  # open: one week more than from the next Monday
            if cost is None or rows < cost:
                best, cost = parts, rows
    return best


def _rows(team_id: str, window: Window) -> tuple[Any, bool]:
    """The rollup rows that make up `window` exactly (some of them taken away: then the
    second is True)."""
    chosen = cover(window)
    parts = [_part(t, t.c[_KEY[t.name]], team_id, a, b, sign) for t, a, b, sign in chosen]
    taken = any(sign < 0 for *_, sign in chosen)
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery("rolled"), taken


def summed(team_id: str, window: Window) -> Any:
    """A subquery of (pid, n, m, r): each process's reports, minutes and regression
    minutes in `window`, for the processes with any."""
    rows, taken = _rows(team_id, window)
    query = select(
        rows.c.process_id.label("pid"),
        func.sum(rows.c.reports).label("n"),
        func.sum(rows.c.minutes).label("m"),
        func.sum(rows.c.regression_minutes).label("r"),
    ).group_by(rows.c.process_id)
    if taken:  # a process whose reports all fell on the days taken away has none in it
        query = query.having(func.sum(rows.c.reports) > 0)
    return query.subquery("load")


def loads(
    session: Session,
    *,
    sight: Sight,
    window: Window,
    statuses: Sequence[str] | None = None,
    owner_id: str | None = None,
    limit: int | None = None,
    reported_only: bool = False,
    by: str = "minutes",
    among: Select[Any] | None = None,
) -> list[Load]:
    """The processes in sight (only those whose ids `among` selects, when given) with
    what was reported on them in `window`, most minutes (or regression minutes:
    `by="regression"`) first, then by number; those with nothing in it too, unless
    `reported_only`."""
    load = summed(sight.team_id, window)
    n, m, r = (func.coalesce(c, 0) for c in (load.c.n, load.c.m, load.c.r))
    query = select(Process, n, m, r).where(seen(sight))
    query = (
        query.join(load, load.c.pid == Process.id)
        if reported_only
        else query.outerjoin(load, load.c.pid == Process.id)
    )
    if statuses is not None:
        query = query.where(Process.status.in_(statuses))
    if owner_id is not None:
        query = query.where(Process.owner_id == owner_id)
    if among is not None:
        query = query.where(Process.id.in_(among))
    if by == "regression":
        query = query.where(load.c.r > 0)
    query = query.order_by((r if by == "regression" else m).desc(), Process.number).limit(limit)
    return [Load(row[0], int(row[1]), int(row[2]), int(row[3])) for row in session.execute(query)]


def minutes(
    session: Session, *, sight: Sight, window: Window, statuses: Sequence[str] | None = None
) -> int:
    """The minutes reported in `window` on the processes in sight (optionally only those
    in `statuses`): a sum of the rollup rows, signed, with no grouping by process."""
    rows, _ = _rows(sight.team_id, window)
    query = select(func.coalesce(func.sum(rows.c.minutes), 0))
    if statuses is None:
        query = only_seen(query, sight, rows.c.process_id)
    else:
        query = query.join(Process, Process.id == rows.c.process_id).where(
            Process.status.in_(statuses), seen(sight)
        )
    return int(session.execute(query).scalar_one())


@dataclass(frozen=True)
class Split:
    minutes: int  # all of them
    picked: int  # those of the processes picked
    processes: int  # with at least one report in the window


def minutes_split(
    session: Session,
    *,
    sight: Sight,
    window: Window,
    statuses: Sequence[str],
    among: Select[Any],
) -> Split:
    """All minutes reported in `window` on the processes in sight in `statuses`, those of
    the processes `among` selects the ids of, and how many processes they are: one
    aggregate, no rows fetched."""
    load = summed(sight.team_id, window)
    picked = load.c.pid.in_(among)
    query = (
        select(
            func.coalesce(func.sum(load.c.m), 0),
            func.coalesce(func.sum(case((picked, load.c.m), else_=0)), 0),
            func.count(load.c.pid),
        )
        .join(Process, Process.id == load.c.pid)
        .where(Process.status.in_(statuses), seen(sight))
    )
    row = session.execute(query).one()
    return Split(int(row[0]), int(row[1]), int(row[2]))


def month_totals(session: Session, *, sight: Sight, months: Sequence[Window]) -> list[int]:
    """The minutes reported in each of `months` (windows of whole calendar months: each
    starts, and ends unless open, on a month's first day) on the processes in sight, in
    one read of `process_months` for them all."""
    if not months:
        return []
    if any(not (_first_of_month(w.start) and _first_of_month(w.end)) for w in months):
        raise ValueError(f"not whole months: {months}")
    where = [_M.c.team_id == sight.team_id, _M.c.month >= min(w.start for w in months)]
    if all(w.end is not None for w in months):
        where.append(_M.c.month < max(w.end for w in months if w.end is not None))
    query = select(_M.c.month, func.sum(_M.c.minutes)).where(*where).group_by(_M.c.month)
    found = [(m, int(n)) for m, n in session.execute(only_seen(query, sight, _M.c.process_id))]
    return [
        sum(n for m, n in found if m >= w.start and (w.end is None or m < w.end)) for w in months
    ]


def weekly_minutes(session: Session, *, sight: Sight, weeks: Sequence[Window]) -> list[int]:
    """The minutes reported in each of `weeks` (whole weeks, Monday to Sunday, ascending)
    on the processes in sight, in one read of `process_weeks`."""
    if not weeks:
        return []
    assert all(w.end is not None and w.start.weekday() == 0 for w in weeks)
    query = (
        select(_W.c.week, func.sum(_W.c.minutes))
        .where(
            _W.c.team_id == sight.team_id,
            _W.c.week >= weeks[0].start,
            _W.c.week < weeks[-1].end,
        )
        .group_by(_W.c.week)
    )
    found = dict(session.execute(only_seen(query, sight, _W.c.process_id)).all())
    return [int(found.get(w.start, 0)) for w in weeks]


def reports_and_reporters(session: Session, *, sight: Sight) -> tuple[int, int]:
    """Every report ever made on the processes in sight, and how many people made them."""
    each = only_seen(
        select(func.sum(_R.c.reports).label("n")).where(_R.c.team_id == sight.team_id),
        sight,
        _R.c.process_id,
    ).group_by(_R.c.user_id)  # a row a person: counted, where count(DISTINCT) sorts
    people = each.subquery("people")
    row = session.execute(select(func.coalesce(func.sum(people.c.n), 0), func.count())).one()
    return int(row[0]), int(row[1])
