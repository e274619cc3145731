"""The figures behind `/manual-task stats`, gathered from storage into a plain value."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.domain import windows
from bot.domain.elimination import FOUR_QUARTERS_DAYS, time_to_eliminate
from bot.domain.payback import savings
from bot.domain.rules import Sight
from bot.messages.stats import Figures
from bot.services import decisions
from storage import eliminated, history, rollups, stats
from storage.models import Workspace


def figures(session: Session, *, sight: Sight, now: datetime) -> Figures:
    """Counts, manual load now (the last 28 days of open processes, today included),
    eliminated, and the minutes reported in the last 7 days (today included) against the
    7 before: of the processes in sight, in whole UTC days (bot/domain/windows.py). Then
    the processes only one person has done (the person's own, unless an admin asks), and
    quarter on quarter whether ops grows faster than it is automated away."""
    counted = stats.counts(session, sight=sight)
    ws = session.get(Workspace, sight.team_id)
    month = windows.ranking(now)
    manual = decisions.open_minutes(session, sight=sight, window=month)
    return Figures(
        reported=counted.reported,
        retired=counted.retired,
        active=counted.active,
        occurrences=counted.occurrences,
        reporters=counted.reporters,
        manual_minutes_in_window=manual,
        eliminated_minutes_per_week=history.eliminated_as_of(session, sight=sight),
        this_week_minutes=rollups.minutes(session, sight=sight, window=windows.last_days(now, 7)),
        last_week_minutes=rollups.minutes(
            session, sight=sight, window=windows.days_before(now, 7, skip=6)
        ),
        hourly_rate=ws.hourly_rate if ws else None,
        currency=ws.currency if ws else "USD",
        covers="all" if sight.everything else ("public" if sight.public else "own"),
        # Shown to admins (every process) and to the person concerned (only their own).
        lone=decisions.lone_view(
            session,
            sight=sight,
            window=month,
            user_id=None if sight.everything else sight.user_id,
            total=manual,
        ),
        quarters=decisions.quarter_changes(session, sight=sight, today=windows.utc_day(now), n=3),
        months=decisions.months(session, sight=sight, today=windows.utc_day(now)),
        **decision_figures(session, sight=sight, now=now),
    )


def decision_figures(session: Session, *, sight: Sight, now: datetime) -> dict[str, Any]:
    """The savings of the retired processes (projected, realised: summed over those that
    have the figure), how much of the eliminated is verified, and the median time from
    first report to retirement in each of the last four quarters."""
    kept = [
        savings(minutes, effort_hours=effort, actual_hours=actual)
        for minutes, effort, actual in eliminated.retired_savings(session, sight=sight)
    ]
    projected = [k.projected_hours for k in kept if k.projected_hours is not None]
    realised = [k.realised_hours for k in kept if k.realised_hours is not None]
    since = now - timedelta(days=FOUR_QUARTERS_DAYS)
    return {
        "projected_savings_hours": sum(projected) if projected else None,
        "realised_savings_hours": sum(realised) if realised else None,
        "verified_minutes_per_week": eliminated.verified_minutes(session, sight=sight),
        "time_to_eliminate": time_to_eliminate(
            eliminated.retirement_spans(session, sight=sight, since=since), now=now
        ),
    }
