"""The export's columns, versioned (README, "Export"): each table's fields in order, and
what each version changed. A consumer reads `export_version` (a column of every row, and
the JSON's head) to know which columns to expect.

- version 1: the columns up to `merged_into` (processes) and `text` (occurrences).
- version 2 (issue 18): processes add `effort_hours`, `payback_weeks`, `over_break_even`,
  `actual_hours`, `projected_savings_hours`, `realised_savings_hours`, `verified_at`,
  `steps_version`, `steps_written_by`, `steps_written_at` and `steps` (Markdown); every
  table adds `export_version`. No column of version 1 changed or moved.
"""

from __future__ import annotations

from typing import Any

from bot.domain.payback import over_break_even, payback_weeks, savings
from storage.models import Process
from storage.steps import Written

EXPORT_VERSION = 2

PROCESS_FIELDS = (
    "workspace",
    "ref",
    "title",
    "status",
    "owner",
    "owner_name",
    "reporter",
    "reporter_name",
    "first_channel",
    "private",
    "first_reported_at",
    "reports",
    "minutes_total",
    "minutes_last_28_days",
    "minutes_per_week",
    "hours_per_week",
    "break_even_hours",
    "money_per_week",
    "currency",
    "not_automated_because",
    "review_at",
    "snoozed_until",
    "automation_link",
    "automation_how",
    "retired_by",
    "retired_by_name",
    "retired_at",
    "eliminated_minutes_per_week",
    "merged_into",
    # version 2 (issue 18): decisions
    "effort_hours",
    "payback_weeks",
    "over_break_even",
    "actual_hours",
    "projected_savings_hours",
    "realised_savings_hours",
    "verified_at",
    "steps_version",
    "steps_written_by",
    "steps_written_at",
    "steps",
    "export_version",
)
OCCURRENCE_FIELDS = (
    "workspace",
    "id",
    "process",
    "process_title",
    "user",
    "user_name",
    "minutes",
    "occurred_at",
    "source",
    "channel",
    "default_duration",
    "regression",
    "text",
    "export_version",  # version 2
)


def _num(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def steps_markdown(process: Process, written: Written) -> str:
    """A process's steps as a Markdown document: a heading, who wrote this version and
    when, then the steps as written."""
    return (
        f"## {process.ref} · {process.title}\n\n"
        f"_Steps, version {written.version}, written {written.at:%Y-%m-%d}_\n\n"
        f"{written.text}\n"
    )


def decision_columns(
    process: Process, written: Written | None, minutes_per_week: float
) -> dict[str, Any]:
    """The columns of version 2 for one process: its effort and payback at
    `minutes_per_week` (the last 28 days), its savings once retired, its verification
    and its latest steps."""
    kept = savings(
        process.eliminated_minutes_per_week,
        effort_hours=process.effort_hours,
        actual_hours=process.actual_hours,
    )
    retired = process.retired_at is not None and process.status == "retired"
    return {
        "effort_hours": _num(process.effort_hours),
        "payback_weeks": _num(payback_weeks(process.effort_hours, minutes_per_week)),
        "over_break_even": over_break_even(process.effort_hours, minutes_per_week)
        if process.effort_hours is not None
        else None,
        "actual_hours": _num(process.actual_hours),
        "projected_savings_hours": _num(kept.projected_hours) if retired else None,
        "realised_savings_hours": _num(kept.realised_hours) if retired else None,
        "verified_at": process.verified_at.isoformat() if process.verified_at else None,
        "steps_version": written.version if written else None,
        "steps_written_by": written.author_id if written else None,
        "steps_written_at": written.at.isoformat() if written else None,
        "steps": steps_markdown(process, written) if written else None,
    }
