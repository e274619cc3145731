"""Gathering a digest's figures for one workspace and period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.costs import WINDOW_DAYS
from bot.domain.rules import Sight
from bot.messages.digest import DigestData, Retired, covers_note, question_for
from bot.services.cards import card
from storage import digests as q
from storage import history
from storage.models import Workspace

TOP = 5
LIST = 10


def gather(
    session: Session, *, sight: Sight, start: datetime, end: datetime, title: str
) -> DigestData:
    """The digest for the period [start, end) of the processes it covers (`sight`: a
    channel's, or the workspace's public ones, as bot/domain/rules.py says)."""
    ws = session.get(Workspace, sight.team_id)
    since = end - timedelta(days=WINDOW_DAYS)
    top_lines = q.top_costs(session, sight=sight, since=since, limit=TOP)
    top = [card(line.process, count=0, minutes=line.minutes, workspace=ws) for line in top_lines]
    new, new_total = q.created_between(session, sight=sight, start=start, end=end, limit=LIST)
    retired, retired_total = history.retirements_between(
        session, sight=sight, start=start, end=end, limit=LIST
    )
    length = end - start
    return DigestData(
        title=title,
        period_start=start,
        top=top,
        top_total=q.count_open(session, sight=sight, since=since),
        new=[(p.ref, p.title, p.reporter_id) for p in new],
        new_total=new_total,
        retired=[
            Retired(p.ref, p.title, e.actor_id, e.minutes_per_week or 0, e.detail)
            for p, e in retired
        ],
        retired_total=retired_total,
        eliminated_minutes_per_week=history.eliminated_as_of(session, sight=sight, at=end),
        reasons=[
            (p.ref, p.title, r, who)
            for p, r, who in q.reasons_between(
                session, sight=sight, start=start, end=end, limit=LIST
            )
        ],
        regressions=[
            (line.process.ref, line.process.title, line.minutes)
            for line in q.regressions_between(
                session, sight=sight, start=start, end=end, limit=LIST
            )
        ],
        manual_hours_this=q.minutes_between(session, sight=sight, start=start, end=end) / 60,
        manual_hours_before=q.minutes_between(session, sight=sight, start=start - length, end=start)
        / 60,
        question=question_for(start),
        notes=[covers_note(sight.channel_id)],
    )


def series(session: Session, *, sight: Sight, end: datetime) -> list[tuple[datetime, float, float]]:
    return q.weekly_series(session, sight=sight, end=end, weeks=12)
