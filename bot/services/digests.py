"""Gathering a digest's figures for one workspace and period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain import windows
from bot.domain.elimination import FOUR_QUARTERS_DAYS, documented_share, time_to_eliminate
from bot.domain.rules import Sight
from bot.domain.schedule import Schedule, parse_days, zone
from bot.domain.states import OPEN_STATUSES, Status
from bot.messages.digest import DigestData, New, Retired, covers_note, question_for
from bot.services import decisions
from bot.services.cards import cards_for
from storage import digests as q
from storage import eliminated, history, rollups, steps
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
    live: bool = False,
    monthly: bool = False,
) -> DigestData:
    """The digest for the period [start, end) of the processes it covers (`sight`: a
    channel's, or the workspace's public ones, as bot/domain/rules.py says), compared with
    the period [before, start) (by default one as long, just before it).

    Its figures count whole UTC days (bot/domain/windows.py): the days from `start`'s to
    `end`'s, that one excluded (it is the next digest's), or included so far when `live`
    (a preview); the costliest are ranked by the last four whole weeks and this one so
    far (bot/domain/windows.py `recent_weeks`). Every cost shown is
    the one `show` gives (bot/services/cards.py, as of `end`), so a process costs the same
    in the top list, among the new ones and in their sum. The team's toil budget and its
    single points of failure count the same 28 days (the team: who reported in its
    channel, or anywhere for a workspace's digest, in the last four whole weeks and this
    one so far); a `monthly` one (the first weekly
    digest of a month) adds quarter on quarter and the business volume."""
    before = before if before is not None else start - (end - start)
    this = windows.period(start, end, live=live)
    earlier = windows.period(before, start)
    ranked = windows.recent_weeks(end)  # weekly totals only; the costs shown are cards'
    top_loads = rollups.loads(
        session, sight=sight, window=ranked, statuses=OPEN_STATUSES, limit=TOP, reported_only=True
    )
    top = cards_for(session, [line.process for line in top_loads], now=end)
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
    regressions = rollups.loads(session, sight=sight, window=this, limit=LIST, by="regression")
    loaded = rollups.minutes_split(  # the costliest's total and documented share, at once
        session,
        sight=sight,
        window=ranked,
        statuses=OPEN_STATUSES,
        among=steps.written_down(sight.team_id),
    )
    month = windows.ranking(end)  # the toil budget's and the single points' 28 days
    manual = decisions.open_minutes(session, sight=sight, window=month)
    return DigestData(
        title=title,
        period_start=start,
        period_end=end,
        cadence=cadence,
        tz=tz,
        top=top,
        top_total=loaded.processes,
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
        regressions=[(x.process.ref, x.process.title, x.regression_minutes) for x in regressions],
        manual_minutes_this=rollups.minutes(session, sight=sight, window=this),
        manual_minutes_before=rollups.minutes(session, sight=sight, window=earlier),
        verified_minutes_per_week=eliminated.verified_minutes(session, sight=sight),
        documented_share=documented_share(
            [(loaded.picked, True), (loaded.minutes - loaded.picked, False)]
        ),
        question=question_for(start),
        notes=[covers_note(sight.channel_id)],
        toil=decisions.toil_view(
            session, sight=sight, now=end, channel_id=sight.channel_id, manual=manual
        ),
        lone=decisions.lone_view(session, sight=sight, window=month, total=manual),
        quarters=decisions.quarter_changes(session, sight=sight, today=windows.utc_day(end))
        if monthly
        else (),
        months=decisions.months(session, sight=sight, today=windows.utc_day(end))
        if monthly
        else (),
        time_to_eliminate=time_to_eliminate(
            eliminated.retirement_spans(
                session, sight=sight, since=end - timedelta(days=FOUR_QUARTERS_DAYS)
            ),
            now=end,
        )
        if monthly
        else (),
    )


def first_of_month(cadence: str, slot: datetime, tz: str) -> bool:
    """Whether a digest is the first weekly one of its month (in its own time zone): it
    also shows whether ops grows faster than the business, with a chart."""
    return cadence == "weekly" and slot.astimezone(zone(tz)).day <= 7


def schedule_of(sub: DigestSubscription, work_days: str | None) -> Schedule:
    """When a subscription's digest goes out; a daily one on the workspace's working days
    (`work_days` from its settings, Monday to Friday by default)."""
    return Schedule(
        sub.cadence, sub.weekday, sub.local_time, sub.timezone, days=parse_days(work_days)
    )


def series(session: Session, *, sight: Sight, end: datetime) -> list[tuple[datetime, float, float]]:
    """(week start, manual hours that week, hours a week eliminated by the week's end, as
    the history says it was then) for the 12 whole weeks (Monday to Sunday, UTC) before
    the week `end` falls in."""
    weeks = windows.weeks_ending(end)
    minutes = rollups.weekly_minutes(session, sight=sight, weeks=weeks)
    ends = [windows.instant(w.end) for w in weeks if w.end is not None]
    gone = history.eliminated_weekly(session, sight=sight, ends=ends)
    return [
        (windows.instant(w.start), m / 60, g / 60)
        for w, m, g in zip(weeks, minutes, gone, strict=True)
    ]
