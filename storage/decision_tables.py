"""The tables behind the toil budget and "is ops growing faster than the business?"
(migration 0022): a channel team's size as an admin set it, a business volume a month,
and two rollups kept by triggers on `occurrences` (like storage/rollup_tables.py; nothing
in the app writes them): reports per process, calendar quarter and reporter, and reports
per channel, week and reporter. storage/rollups_people.py reads them."""

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

process_quarter_reporters = Table(
    "process_quarter_reporters",
    Base.metadata,
    Column("process_id", BigId, ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True),
    Column("quarter", Date, primary_key=True),  # its first day
    Column("user_id", String(32), primary_key=True),
    Column("team_id", String(32), nullable=False),
    Column("reports", Integer, nullable=False),
    Index("ix_process_quarter_reporters_team", "team_id", "quarter", "user_id", "process_id"),
)

channel_week_reporters = Table(
    "channel_week_reporters",
    Base.metadata,
    Column("team_id", String(32), primary_key=True),
    Column("channel_id", String(32), primary_key=True),  # the report's ('' for none)
    Column("week", Date, primary_key=True),  # its Monday
    Column("user_id", String(32), primary_key=True),
    Column("reports", Integer, nullable=False),
    Index("ix_channel_week_reporters_week", "team_id", "week", "user_id"),
)
