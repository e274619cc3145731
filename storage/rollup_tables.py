"""The rollup tables (migration 0020): per-process totals a UTC day, a week (Monday to
Sunday, UTC) and a reporter; and a calendar month (UTC, keyed by its first day: 0023).
Triggers on `occurrences` keep them, whatever path changes an occurrence; nothing in the
app writes them. storage/rollups.py reads them."""

from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Index, Integer, String, Table

from storage.models import Base, BigId


def _counts() -> list[Column[int]]:
    return [
        Column("reports", Integer, nullable=False),
        Column("minutes", Integer, nullable=False),
        Column("regression_minutes", Integer, nullable=False),
    ]


def _bucket(name: str, key: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column(
            "process_id", BigId, ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
        ),
        Column(key, Date, primary_key=True),
        Column("team_id", String(32), nullable=False),
        *_counts(),
        Index(
            f"ix_{name}_team",
            "team_id",
            key,
            "process_id",
            "reports",
            "minutes",
            "regression_minutes",
        ),
    )


# Every table the triggers on `occurrences` keep (0020, 0022's people, 0023): filled in
# bulk by the migrations' backfills, so the ones a bulk load leaves without statistics.
KEPT_ON_WRITE = (
    "process_days",
    "process_weeks",
    "process_months",
    "process_reporters",
    "process_quarter_reporters",
    "channel_week_reporters",
)

process_days = _bucket("process_days", "day")
process_weeks = _bucket("process_weeks", "week")
process_months = _bucket("process_months", "month")
process_reporters = Table(
    "process_reporters",
    Base.metadata,
    Column("process_id", BigId, ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("team_id", String(32), nullable=False),
    *_counts(),
    Index("ix_process_reporters_team_user", "team_id", "user_id", "process_id"),
)
