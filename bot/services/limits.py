"""Checking the limits of bot/domain/limits.py against what is stored, raising
LimitReached (so nothing is stored) when a report would pass one. A report costs one
statement, on an index that covers it; a new process one more."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.limits import LimitReached, Limits
from bot.domain.schedule import local_day_start
from storage import occurrences, people, processes
from storage.models import Process


def check_report(
    session: Session,
    limits: Limits,
    *,
    team_id: str,
    user_id: str,
    process_id: int,
    minutes: int,
    now: datetime,
    tz: str | None,
    submitted_by: str | None = None,
) -> None:
    """No more than `reports_per_minute` reports by one person in the last minute, and
    no more than a day's minutes by one person on one process in their local day. A
    report sent for someone else (`submitted_by`) also counts against its sender's
    minute: their own reports and those they sent for others."""
    last_minute, today = occurrences.recent_by(
        session,
        team_id=team_id,
        user_id=user_id,
        process_id=process_id,
        minute_ago=now - timedelta(minutes=1),
        day_start=local_day_start(now, tz),
    )
    if last_minute >= limits.reports_per_minute:
        raise LimitReached.too_many_reports(limits)
    if submitted_by is not None and submitted_by != user_id:
        minute_ago = now - timedelta(minutes=1)
        sent = occurrences.submitted_since(
            session, team_id=team_id, user_id=submitted_by, since=minute_ago
        )
        own, _ = occurrences.recent_by(
            session,
            team_id=team_id,
            user_id=submitted_by,
            process_id=process_id,
            minute_ago=minute_ago,
            day_start=now,
        )
        if sent + own >= limits.reports_per_minute:
            raise LimitReached.too_many_reports(limits)
    if today + minutes > limits.minutes_per_process_per_day:
        process = session.get(Process, process_id)
        raise LimitReached.day_is_full(limits, process.ref if process else "it", today)


def check_new_process(session: Session, limits: Limits, *, team_id: str, now: datetime) -> None:
    """No more than `new_processes_per_hour` new processes in a workspace in the last hour."""
    nth = processes.nth_latest_created_at(session, team_id=team_id, n=limits.new_processes_per_hour)
    if nth is not None and nth > now - timedelta(hours=1):
        raise LimitReached.too_many_processes(limits)


def check_merge(
    session: Session, limits: Limits, *, keep: Process, gone: Process, now: datetime
) -> None:
    """A merge is no way around the day's limit: the two processes together may hold no
    more than `minutes_per_process_per_day` of one person's reports in their local day
    (their time zone as Slack last said, else UTC), as a report on them would be held."""
    day = timedelta(days=1, hours=14)  # the widest local day that can include now
    recent = occurrences.recent_on(session, process_ids=[keep.id, gone.id], since=now - day)
    for user_id, rows in recent.items():
        known = people.cached_user(session, team_id=keep.team_id, user_id=user_id)
        start = local_day_start(now, known.tz if known is not None else None)
        today = sum(minutes for at, minutes in rows if at >= start)
        if today > limits.minutes_per_process_per_day:
            raise LimitReached.merge_overfills(limits, keep.ref, gone.ref, user_id, today)
