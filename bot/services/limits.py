"""Checking the limits of bot/domain/limits.py against what is stored: each check is one
indexed statement, and raises LimitReached (nothing stored) when a report would pass one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.limits import LimitReached, Limits
from bot.domain.schedule import local_day_start
from storage import occurrences, processes
from storage.models import Process


def check_rate(
    session: Session, limits: Limits, *, team_id: str, user_id: str, now: datetime
) -> None:
    """No more than `reports_per_minute` reports by one person in the last minute."""
    nth = occurrences.nth_latest_report_at(
        session, team_id=team_id, user_id=user_id, n=limits.reports_per_minute
    )
    if nth is not None and nth > now - timedelta(minutes=1):
        raise LimitReached.too_many_reports(limits)


def check_day(
    session: Session,
    limits: Limits,
    *,
    process_id: int,
    user_id: str,
    minutes: int,
    now: datetime,
    tz: str | None,
) -> None:
    """No more than a day's minutes by one person on one process in their local day."""
    already = occurrences.minutes_by_since(
        session, process_id=process_id, user_id=user_id, since=local_day_start(now, tz)
    )
    if already + minutes > limits.minutes_per_process_per_day:
        process = session.get(Process, process_id)
        ref = process.ref if process is not None else "this process"
        raise LimitReached.day_is_full(limits, ref, already)


def check_new_process(session: Session, limits: Limits, *, team_id: str, now: datetime) -> None:
    """No more than `new_processes_per_hour` new processes in a workspace in the last hour."""
    nth = processes.nth_latest_created_at(session, team_id=team_id, n=limits.new_processes_per_hour)
    if nth is not None and nth > now - timedelta(hours=1):
        raise LimitReached.too_many_processes(limits)
