"""Gathering a digest's figures for one workspace and period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.costs import WINDOW_DAYS
from bot.domain.rules import Sight
from bot.domain.schedule import Schedule, parse_days
from bot.domain.states import Status
from bot.messages.digest import DigestData, New, Retired, covers_note, question_for
from bot.services.cards import cards_for
from storage import digests as q
from storage import history
from storage.models import DigestSubscription

TOP = 5
LIST = 10


def gather(
    session: Session,
    *,
    sight: Sight,
    start: datetime,
    end: datetime,
    title: str,
    before: datetime | None = None,
    cadence: str = "weekly",
    tz: str = "UTC",
) -> DigestData:
    """The digest for the period [start, end) of the processes it covers (`sight`: a
    channel's, or the workspace's public ones, as bot/domain/rules.py says), compared with
    the period [before, start) (by default one as long, just before it).

    Every cost is the one `show` gives (bot/services/cards.py, as of `end`), so a process
    costs the same in the top list, among the new ones and in their sum."""
    since = end - timedelta(days=WINDOW_DAYS)
    top_lines = q.top_costs(session, sight=sight, since=since, limit=TOP)
    top = cards_for(session, [line.process for line in top_lines], now=end)
    top.sort(key=lambda c: -c.minutes_per_week)  # stable: ties keep the query's order
    created, _ = q.created_between(session, sight=sight, start=start, end=end, limit=None)
    new = sorted(
        (
            New(c.ref, c.title, c.reporter_id, 0.0, retired=True)
            if c.status == Status.RETIRED
            else New(c.ref, c.title, c.reporter_id, c.minutes_per_week)
            for c in cards_for(session, created, now=end)
        ),
        key=lambda n: (n.retired, -n.minutes_per_week),
    )
    retired, retired_total = history.retirements_between(
        session, sight=sight, start=start, end=end, limit=LIST
    )
    before = before if before is not None else start - (end - start)
    return DigestData(
        title=title,
        period_start=start,
        period_end=end,
        cadence=cadence,
        tz=tz,
        top=top,
        top_total=q.count_open(session, sight=sight, since=since),
        new=new,
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
        manual_minutes_this=q.minutes_between(session, sight=sight, start=start, end=end),
        manual_minutes_before=q.minutes_between(session, sight=sight, start=before, end=start),
        question=question_for(start),
        notes=[covers_note(sight.channel_id)],
    )


def schedule_of(sub: DigestSubscription, work_days: str | None) -> Schedule:
    """When a subscription's digest goes out; a daily one on the workspace's working days
    (`work_days` from its settings, Monday to Friday by default)."""
    return Schedule(
        sub.cadence, sub.weekday, sub.local_time, sub.timezone, days=parse_days(work_days)
    )


def series(session: Session, *, sight: Sight, end: datetime) -> list[tuple[datetime, float, float]]:
    return q.weekly_series(session, sight=sight, end=end, weeks=12)
