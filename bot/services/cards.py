"""Turn stored processes into the plain cards the message builders take."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row
from sqlalchemy.orm import Session

from bot.domain.cards import ProcessCard, StepsNote
from bot.domain.windows import instant, ranking
from storage import processes, rollups, steps
from storage.models import Process, Workspace


def first_day(now: datetime) -> date:
    """The first UTC day of a process's cost: 27 days before today, so the last 28 days
    with today so far, as digests, the App Home, `list`, `stats` and the nudges count it
    (bot/domain/windows.py `ranking`)."""
    return ranking(now).start


def window_start(now: datetime) -> datetime:
    """00:00 UTC of `first_day`: where a process's cost starts counting."""
    return instant(first_day(now))


def card(
    process: Process | Row[Any],
    *,
    count: int,
    minutes: int,
    workspace: Workspace | Row[Any] | None,
    merged_into_ref: str | None = None,
    documented: bool = False,
) -> ProcessCard:
    """A card from a process (or a row of its columns) and its workspace's rate and
    currency (or a row that has them)."""
    return ProcessCard(
        process_id=process.id,
        ref=f"P{process.number}",
        title=process.title,
        status=process.status,
        owner_id=process.owner_id,
        reporter_id=process.reporter_id,
        channel_id=process.channel_id,
        count=count,
        minutes=minutes,
        hourly_rate=workspace.hourly_rate if workspace else None,
        currency=(workspace.currency if workspace is not None else None) or "USD",
        snoozed_until=process.snoozed_until,
        review_at=process.review_at,
        accepted_reason=process.accepted_reason,
        automation_link=process.automation_link,
        automation_note=process.automation_note,
        retired_by=process.retired_by,
        eliminated_minutes_per_week=process.eliminated_minutes_per_week,
        merged_into_ref=merged_into_ref,
        declared_minutes_per_week=process.declared_minutes_per_week,
        source_link=getattr(process, "source_link", None),
        effort_hours=process.effort_hours,
        actual_hours=process.actual_hours,
        verified_at=process.verified_at,
        documented=documented,
    )


def cards_for(
    session: Session, processes: Iterable[Process], *, now: datetime
) -> list[ProcessCard]:
    procs = list(processes)
    if not procs:
        return []
    load = rollups.load_since(session, process_ids=[p.id for p in procs], first_day=first_day(now))
    ws = session.get(Workspace, procs[0].team_id)
    return [card(p, count=load[p.id][0], minutes=load[p.id][1], workspace=ws) for p in procs]


def with_steps(session: Session, cards: Sequence[ProcessCard]) -> list[ProcessCard]:
    """The cards with their processes' latest steps (one statement for them all)."""
    latest = steps.latest_for(session, process_ids=[c.process_id for c in cards])
    return [
        replace(c, steps=StepsNote(w.text, w.version, w.author_id, w.at), documented=True)
        if (w := latest.get(c.process_id))
        else c
        for c in cards
    ]


def card_for(session: Session, process: Process, *, now: datetime) -> ProcessCard:
    row = processes.card_row(session, process_id=process.id, first_day=first_day(now))
    if row is None:  # deleted meanwhile by another transaction: what we hold, no load
        return card(process, count=0, minutes=0, workspace=None)
    return _from_row(row)


def card_by_id(session: Session, process_id: int, *, now: datetime) -> ProcessCard:
    """The card of one process, read in one statement."""
    row = processes.card_row(session, process_id=process_id, first_day=first_day(now))
    if row is None:
        raise LookupError(f"no process {process_id}")
    return _from_row(row)


def _from_row(row: Row[Any]) -> ProcessCard:
    merged = row.merged_into_number
    return card(
        row,
        count=int(row.load_count),
        minutes=int(row.load_minutes),
        workspace=row,
        merged_into_ref=f"P{merged}" if merged is not None else None,
        documented=bool(row.documented),
    )


def check_in_figures(session: Session, process: Process, *, now: datetime) -> tuple[float, int]:
    """(what it costs a week now, the workspace's nudge threshold): what decides when its
    owner is asked about automating it, for a reply that promises it."""
    ws = session.get(Workspace, process.team_id)
    threshold = ws.nudge_threshold_minutes if ws is not None else 15
    return card_for(session, process, now=now).minutes_per_week, threshold
