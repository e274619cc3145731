"""The tables behind the toil budget and "is ops growing faster than the business?"
(migration 0022): a channel team's size as an admin set it, a business volume a month,
and `reporter_days`, a rollup of reports per process, UTC day and reporter kept by
triggers on `occurrences` (like storage/rollup_tables.py; nothing in the app writes it).
storage/rollups_people.py reads them."""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, ForeignKey, Index, Integer, String, Table

from storage.models import Base, BigId, UTCDateTime

_TEAM = ForeignKey("workspaces.team_id", ondelete="CASCADE")

channel_teams = Table(
    "channel_teams",
    Base.metadata,
    Column("team_id", String(32), _TEAM, primary_key=True),
    Column("channel_id", String(32), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("set_by", String(32), nullable=False),
    Column("set_at", UTCDateTime, nullable=False),
)

business_volumes = Table(
    "business_volumes",
    Base.metadata,
    Column(
        "team_id",
        String(32),
        ForeignKey("workspaces.team_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("month", Date, primary_key=True),  # its first day
    Column("amount", Float, nullable=False),
    Column("unit", String(40), nullable=False),
    Column("recorded_by", String(32), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
)

reporter_days = Table(
    "reporter_days",
    Base.metadata,
    Column("process_id", BigId, ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("team_id", String(32), nullable=False),
    Column("reports", Integer, nullable=False),
    Column("minutes", Integer, nullable=False),
    Index("ix_reporter_days_team", "team_id", "day", "user_id", "process_id"),
)
