"""Slack message metadata on the bot's channel posts: facts another app or a workflow can
act on without reading the text (https://docs.slack.dev/messaging/message-metadata).
Only channel posts carry it; ephemeral answers and DMs don't, since no other app reads
them. Each is `{"event_type": ..., "event_payload": {...}}`; payload values are strings,
numbers and booleans, as Slack requires. The README lists the event types.

    chat_postMessage(channel=..., text=..., blocks=..., metadata=retired(card))
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.domain.cards import ProcessCard
from bot.domain.costs import hours_per_year

Metadata = dict[str, Any]


class EventType(StrEnum):
    """The `event_type` of each kind of post."""

    REPORTED = "manual_work_reported"  # a mention's thread reply: a report stored
    RETIRED = "process_retired"  # the channel's celebration
    NEEDS_OWNER = "process_needs_owner"  # "Who owns this?"
    DIGEST = "manual_work_digest"  # a channel's digest


def _process(card: ProcessCard) -> dict[str, Any]:
    return {
        "process_id": card.ref,
        "status": str(card.status),
        "minutes_per_week": round(card.minutes_per_week, 1),
        **({"owner_id": card.owner_id} if card.owner_id else {}),
    }


def reported(card: ProcessCard, *, minutes: int, reporter_id: str) -> Metadata:
    """A report stored on `card`: `minutes` of it, by `reporter_id`."""
    payload = {**_process(card), "minutes": minutes, "reporter_id": reporter_id}
    return {"event_type": EventType.REPORTED.value, "event_payload": payload}


def retired(card: ProcessCard) -> Metadata:
    """`card` was retired: the manual work a week it eliminated, and a year in hours."""
    weekly = card.eliminated_minutes_per_week or 0.0
    payload = {
        **_process(card),
        "minutes_per_week_eliminated": round(weekly, 1),
        "hours_per_year_eliminated": round(hours_per_year(weekly / 60), 1),
        **({"automation_link": card.automation_link} if card.automation_link else {}),
    }
    return {"event_type": EventType.RETIRED.value, "event_payload": payload}


def needs_owner(card: ProcessCard) -> Metadata:
    """Nobody owns `card`, and it costs enough to ask."""
    return {"event_type": EventType.NEEDS_OWNER.value, "event_payload": _process(card)}


def digest(
    *,
    period_start: str,
    period_end: str,
    manual_minutes: float,
    manual_minutes_before: float,
    eliminated_minutes_per_week: float,
    new_processes: int,
    retired_processes: int,
) -> Metadata:
    """A digest of the period [period_start, period_end) (ISO times, UTC)."""
    payload = {
        "period_start": period_start,
        "period_end": period_end,
        "manual_minutes": round(manual_minutes, 1),
        "manual_minutes_before": round(manual_minutes_before, 1),
        "minutes_per_week_eliminated": round(eliminated_minutes_per_week, 1),
        "new_processes": new_processes,
        "retired_processes": retired_processes,
    }
    return {"event_type": EventType.DIGEST.value, "event_payload": payload}
