"""Who did manual work, read from the rollups and never from the occurrences: distinct
reporters each calendar quarter on the processes in sight (`process_quarter_reporters`,
migration 0022), a channel team's people over whole weeks (`channel_week_reporters`,
0022), and the processes only one person has ever done (`process_reporters`, 0020).
What each reads is bounded by people (a row per process and person a quarter, per channel
and person a week), never by reports. Read-only::

    people_each_quarter(session, sight=sight, quarters=[date(2026, 7, 1), date(2026, 10, 1)])
    channel_people(session, team_id="T1", channel_id="C1", window=recent_weeks(now))
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.domain.windows import Window
from storage import rollups
from storage.decision_tables import channel_week_reporters as _C
from storage.decision_tables import process_quarter_reporters as _Q
from storage.rollup_tables import process_reporters as _R
from storage.visibility import only_seen


def people_each_quarter(session: Session, *, sight: Sight, quarters: Sequence[date]) -> list[int]:
    """How many people reported on the processes in sight in each calendar quarter of
    `quarters` (each its first day: 1 January, 1 April, 1 July or 1 October)."""
    if any(q.day != 1 or q.month not in (1, 4, 7, 10) for q in quarters):
        raise ValueError(f"not the first days of quarters: {quarters}")
    if not quarters:
        return []
    # Each (quarter, person) once, then counted: the index gives them in that order,
    # where count(DISTINCT) would sort every row again.
    pairs = only_seen(
        select(_Q.c.quarter, _Q.c.user_id).where(
            _Q.c.team_id == sight.team_id, _Q.c.quarter.in_(list(quarters))
        ),
        sight,
        _Q.c.process_id,
    ).group_by(_Q.c.quarter, _Q.c.user_id)
    each = pairs.subquery("pairs")
    query = select(each.c.quarter, func.count()).group_by(each.c.quarter)
    found = {q: int(n) for q, n in session.execute(query)}
    return [found.get(q, 0) for q in quarters]


def channel_people(
    session: Session, *, team_id: str, channel_id: str | None, window: Window
) -> int:
    """How many people reported in `channel_id` ('' for reports made outside any channel;
    None: in any channel of the workspace) in `window`, whole weeks (it starts, and ends
    unless open, on a Monday)."""
    if window.start.weekday() or (window.end is not None and window.end.weekday()):
        raise ValueError(f"not whole weeks: {window}")
    where = [_C.c.team_id == team_id, _C.c.week >= window.start]
    if channel_id is not None:
        where.append(_C.c.channel_id == channel_id)
    if window.end is not None:
        where.append(_C.c.week < window.end)
    people = select(_C.c.user_id).where(*where).group_by(_C.c.user_id).subquery("people")
    return int(session.execute(select(func.count()).select_from(people)).scalar_one())


def lone_loads(
    session: Session, *, sight: Sight, window: Window, user_id: str | None = None
) -> list[tuple[rollups.Load, str]]:
    """The open processes in sight that only one person has ever reported (one row in
    `process_reporters`), with what was reported on them in `window` and that person;
    only those whose one person is `user_id` when given. Most minutes first. Only those
    processes are loaded: the others are left in the database."""
    lone = (
        select(_R.c.process_id, func.min(_R.c.user_id).label("who"))
        .where(_R.c.team_id == sight.team_id)
        .group_by(_R.c.process_id)
        .having(func.count() == 1)
    )
    if user_id is not None:
        lone = lone.having(func.min(_R.c.user_id) == user_id)
    found: dict[int, str] = {int(pid): str(who) for pid, who in session.execute(lone)}
    if not found:
        return []
    loads = rollups.loads(
        session,
        sight=sight,
        window=window,
        statuses=OPEN_STATUSES,
        reported_only=True,
        among=select(lone.subquery().c.process_id),
    )
    return [(load, found[load.process.id]) for load in loads]
