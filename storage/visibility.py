"""The visibility rule (bot/domain/rules.py `Sight`) as SQL: one condition on `processes`,
and one way to keep a query on occurrences, events or prompts to the processes in sight.
Every read a person, a channel or a digest sees goes through here::

    select(Process).where(seen(sight))
    only_seen(select(Occurrence.minutes), sight, Occurrence.process_id)
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, or_, select

from bot.domain.rules import Sight
from storage.models import Process
from storage.rollup_tables import process_reporters as _R

_P = Process.__table__
_Q = TypeVar("_Q", bound=Select)  # type: ignore[type-arg]  # any row shape


def seen(sight: Sight, table: Any = _P) -> ColumnElement[bool]:
    """The processes of `table` (the processes table, or an alias of it) in sight."""
    team = table.c.team_id == sight.team_id
    if sight.everything:
        return team
    ways: list[ColumnElement[bool]] = []
    if sight.public:
        ways.append(table.c.private.is_(False))
    if sight.channel_id is not None:
        ways.append(table.c.channel_id == sight.channel_id)
    if sight.user_id is not None:
        ways.append(table.c.owner_id == sight.user_id)
        ways.append(table.c.reporter_id == sight.user_id)
        # Any process they reported on: one row a process in the rollup (0020), however
        # many reports they made.
        ways.append(
            table.c.id.in_(
                select(_R.c.process_id).where(
                    _R.c.team_id == sight.team_id, _R.c.user_id == sight.user_id
                )
            )
        )
    return team & (or_(*ways) if ways else false())


def only_seen(query: _Q, sight: Sight, process_id: Any) -> _Q:
    """`query` kept to rows whose `process_id` column names a process in sight (unchanged
    for a sight of everything: its own team condition suffices)."""
    if sight.everything:
        return query
    return query.where(process_id.in_(select(_P.c.id).where(seen(sight))))
