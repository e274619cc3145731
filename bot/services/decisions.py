"""Gathering the figures that turn the backlog into decisions, from the rollups (never
the occurrences): a team's toil budget, the processes only one person has done, and
quarter on quarter (and month by month, against a business volume) whether ops grows
faster than it is automated away. The rules are in bot/domain (toil, lone, growth)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain import growth, toil, windows
from bot.domain.costs import WEEKS_IN_WINDOW
from bot.domain.lone import SinglePoints, single_points
from bot.domain.rules import Sight
from bot.domain.states import OPEN_STATUSES
from bot.domain.windows import Window
from storage import history, rollups, rollups_people, teams
from storage.models import Process, Workspace

CANDIDATES = 50  # the costliest open processes considered to bring a team under budget
QUARTERS = 4
MONTHS = 6


def _effort_hours(process: Process) -> float | None:
    """The effort estimate given for automating the process, once there is one (the other
    half of issue 18 adds it); `toil.rank_key` then ranks by payback."""
    return getattr(process, "effort_hours", None)


def toil_view(
    session: Session,
    *,
    sight: Sight,
    now: datetime,
    channel_id: str | None,
    manual: int | None = None,
) -> toil.ToilView:
    """The toil budget of the team of `channel_id` (its digest's `sight`; None: the whole
    workspace's) as of `now`: manual work over the last 28 days (`windows.ranking`: the
    open processes' minutes in it, `manual` when the caller has read them already), the
    team who reported in the channel in the last four whole weeks and this one so far
    (`toil.team_window`), unless an admin set its size."""
    window = windows.ranking(now)
    ws = session.get(Workspace, sight.team_id)
    week = toil.week_minutes(
        (ws.work_start if ws else None) or "09:00",
        (ws.work_end if ws else None) or "17:00",
        (ws.work_days if ws else None) or "0,1,2,3,4",
    )
    set_size = (
        None
        if channel_id is None
        else teams.team_size(session, team_id=sight.team_id, channel_id=channel_id)
    )
    reporters = rollups_people.channel_people(
        session, team_id=sight.team_id, channel_id=channel_id, window=toil.team_window(now)
    )
    if manual is None:
        manual = open_minutes(session, sight=sight, window=window)
    budget = toil.Budget(
        size=toil.team_size(set_size, reporters),
        size_set=set_size is not None,
        week_minutes=week,
        manual_minutes=manual / WEEKS_IN_WINDOW,
        percent=(ws.toil_budget_percent if ws else None) or toil.DEFAULT_BUDGET_PERCENT,
    )
    chosen: list[toil.Candidate] = []
    enough = True
    if budget.over:
        loads = rollups.loads(
            session,
            sight=sight,
            window=window,
            statuses=OPEN_STATUSES,
            limit=CANDIDATES,
            reported_only=True,
        )
        candidates = [
            toil.Candidate(
                x.process.ref,
                x.process.title,
                x.minutes / WEEKS_IN_WINDOW,
                _effort_hours(x.process),
            )
            for x in loads
        ]
        chosen, enough = toil.bring_under(budget, candidates)
    return toil.ToilView(budget, chosen, enough, channel_id)


def open_minutes(session: Session, *, sight: Sight, window: Window) -> int:
    """The minutes reported in `window` on the open processes in sight."""
    return rollups.minutes(session, sight=sight, window=window, statuses=OPEN_STATUSES)


def lone_view(
    session: Session,
    *,
    sight: Sight,
    window: Window,
    user_id: str | None = None,
    total: int | None = None,
) -> SinglePoints:
    """The open processes in sight only one person has ever done (only `user_id`'s when
    given: the person concerned), with their share of the manual load in `window` (the
    open processes' minutes in it: `total` when the caller has read them already)."""
    lone = rollups_people.lone_loads(session, sight=sight, window=window, user_id=user_id)
    if total is None:
        total = open_minutes(session, sight=sight, window=window)
    return single_points([(x.process.ref, x.minutes) for x, _ in lone], total_minutes=total)


def quarter_changes(
    session: Session, *, sight: Sight, today: date, n: int = QUARTERS
) -> list[growth.Change]:
    """The last `n` - 1 quarters (the current one so far) each against the one before."""
    quarters = growth.quarters_to(today, n)
    ends = [windows.instant(q.start) for q in quarters] + [windows.instant(today + timedelta(1))]
    gone = history.eliminated_weekly(session, sight=sight, ends=ends)
    people = rollups_people.people_each_quarter(
        session, sight=sight, quarters=[q.start for q in quarters]
    )
    minutes = rollups.month_totals(session, sight=sight, months=quarters)
    return growth.changes(
        [
            growth.Quarter(
                label=growth.quarter_label(q),
                manual_minutes=minutes[i],
                weeks=growth.weeks_in(q, today),
                eliminated_at_start=gone[i],
                eliminated_at_end=gone[i + 1],
                people=people[i],
            )
            for i, q in enumerate(quarters)
        ]
    )


def months(
    session: Session, *, sight: Sight, today: date, n: int = MONTHS, current: bool = False
) -> list[growth.Month]:
    """The `n` whole months before this one (and this one so far, when `current`): manual
    minutes, and the volume recorded."""
    spans = growth.month_windows(today, n, current=current)
    recorded = {
        v.month: v for v in teams.volumes(session, team_id=sight.team_id, since=spans[0].start)
    }
    minutes = rollups.month_totals(session, sight=sight, months=spans)
    out = []
    for span, manual in zip(spans, minutes, strict=True):
        v = recorded.get(span.start)
        out.append(
            growth.Month(
                span.start,
                manual,
                v.amount if v else None,
                v.unit if v else "",
            )
        )
    return out
