"""Who did manual work, read from the rollups and never from the occurrences: distinct
reporters in a window of whole UTC days (`reporter_days`, migration 0022), and the
processes only one person has ever done (`process_reporters`, 0020). Read-only::

    reporters_in(session, sight=sight, window=Window(date(2026, 10, 1), date(2027, 1, 1)))
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.domain.windows import Window
from storage import rollups
from storage.decision_tables import reporter_days as _RD
from storage.rollup_tables import process_reporters as _R
from storage.visibility import only_seen


def reporters_in(session: Session, *, sight: Sight, window: Window) -> int:
    """How many people reported on the processes in sight in `window`."""
    where = [_RD.c.team_id == sight.team_id, _RD.c.day >= window.start]
    if window.end is not None:
        where.append(_RD.c.day < window.end)
    query = select(func.count(func.distinct(_RD.c.user_id))).where(*where)
    return int(session.execute(only_seen(query, sight, _RD.c.process_id)).scalar_one())


def reporters_each(session: Session, *, sight: Sight, windows: Sequence[Window]) -> list[int]:
    """`reporters_in` for each of `windows` (a handful: quarters, months)."""
    return [reporters_in(session, sight=sight, window=w) for w in windows]


def lone_loads(
    session: Session, *, sight: Sight, window: Window, user_id: str | None = None
) -> list[tuple[rollups.Load, str]]:
    """The open processes in sight that only one person has ever reported (one row in
    `process_reporters`), with what was reported on them in `window` and that person;
    only those whose one person is `user_id` when given. Most minutes first."""
    lone = (
        select(_R.c.process_id, func.min(_R.c.user_id).label("who"))
        .where(_R.c.team_id == sight.team_id)
        .group_by(_R.c.process_id)
        .having(func.count() == 1)
    )
    found: dict[int, str] = {int(pid): str(who) for pid, who in session.execute(lone)}
    if not found:
        return []
    loads = rollups.loads(
        session, sight=sight, window=window, statuses=OPEN_STATUSES, reported_only=True
    )
    return [
        (load, found[load.process.id])
        for load in loads
        if load.process.id in found and (user_id is None or found[load.process.id] == user_id)
    ]
