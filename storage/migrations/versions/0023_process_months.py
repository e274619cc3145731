"""process_months: per-process totals a calendar month, for quarters and months

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04

`process_months` holds, for each process, its reports, minutes and regression minutes
per calendar month (UTC, keyed by its first day), like 0020's `process_days` and
`process_weeks`. Quarter on quarter and month by month (`stats`, a month's first
digest) count whole calendar months: from 0020's tables a quarter took its 13 weeks and
the days at both ends from every process (about 16 rows a process, most of them days at
10M reports), here it takes 3 rows a process.

Kept by its own triggers on `occurrences`, as 0020's are (every insert adds, every delete
subtracts, an update of a counted column does both; a total that reaches no report is
deleted), and filled from the occurrences in one statement. On PostgreSQL the rollup
tables are analyzed afterwards, so the planner knows their size.

Downgrading drops the triggers and the table; nothing else changes either way.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTED = ("process_id", "team_id", "minutes", "occurred_at", "regression")
# SQLite keeps a time as text in UTC; its date functions round the last half-millisecond
# of a day into the next one, so they are given the stored date alone (as in 0020).
MONTH = {
    "sqlite": "date(substr({r}.occurred_at, 1, 10), 'start of month')",
    "postgresql": "date_trunc('month', {r}.occurred_at AT TIME ZONE 'UTC')::date",
}
ROLLUPS = ("process_days", "process_weeks", "process_months", "process_reporters")
_INDEX = ["team_id", "month", "process_id", "reports", "minutes", "regression_minutes"]


def _regression(r: str) -> str:
    return f"CASE WHEN {r}.regression THEN {r}.minutes ELSE 0 END"


def _add(month: str, r: str) -> str:
    return (
        "INSERT INTO process_months (process_id, month, team_id, reports, minutes,"
        f" regression_minutes) VALUES ({r}.process_id, {month.format(r=r)}, {r}.team_id, 1,"
        f" {r}.minutes, {_regression(r)}) ON CONFLICT (process_id, month) DO UPDATE SET"
        " reports = process_months.reports + 1,"
        " minutes = process_months.minutes + excluded.minutes,"
        " regression_minutes = process_months.regression_minutes + excluded.regression_minutes;"
    )


def _subtract(month: str, r: str) -> str:
    where = f"process_id = {r}.process_id AND month = {month.format(r=r)}"
    return (
        f"UPDATE process_months SET reports = reports - 1, minutes = minutes - {r}.minutes,"
        f" regression_minutes = regression_minutes - {_regression(r)} WHERE {where};"
        f" DELETE FROM process_months WHERE {where} AND reports <= 0;"
    )


def upgrade() -> None:
    pg = op.get_bind().dialect.name == "postgresql"
    month = MONTH["postgresql" if pg else "sqlite"]
    op.create_table(
        "process_months",
        sa.Column(
            "process_id", _ID, sa.ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("regression_minutes", sa.Integer(), nullable=False),
    )
    adds, subtracts = _add(month, "NEW"), _subtract(month, "OLD")
    if pg:
        op.execute(
            "CREATE FUNCTION months_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF TG_OP IN ('DELETE', 'UPDATE') THEN {subtracts} END IF;"
            f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {adds} END IF;"
            " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER months AFTER INSERT OR DELETE OR UPDATE OF {', '.join(COUNTED)}"
            " ON occurrences FOR EACH ROW EXECUTE FUNCTION months_occurrence()"
        )
    else:
        op.execute(f"CREATE TRIGGER months_insert AFTER INSERT ON occurrences BEGIN {adds} END")
        op.execute(
            f"CREATE TRIGGER months_delete AFTER DELETE ON occurrences BEGIN {subtracts} END"
        )
        op.execute(
            f"CREATE TRIGGER months_update AFTER UPDATE OF {', '.join(COUNTED)} ON occurrences"
            f" BEGIN {subtracts} {adds} END"
        )
    key = month.format(r="o")
    op.execute(
        "INSERT INTO process_months (process_id, month, team_id, reports, minutes,"
        f" regression_minutes) SELECT o.process_id, {key}, min(o.team_id), count(*),"
        f" sum(o.minutes), sum({_regression('o')}) FROM occurrences o"
        f" GROUP BY o.process_id, {key}"
    )
    op.create_index("ix_process_months_team", "process_months", _INDEX)
    if pg:
        # Filled in bulk (here, by 0020 and 0022): without statistics the planner takes
        # these tables for nearly empty ones until autovacuum comes by. (Not on SQLite:
        # it keeps what ANALYZE found for good, stale as a small database grows.)
        for table in (*ROLLUPS, "process_quarter_reporters", "channel_week_reporters"):
            op.execute(f"ANALYZE {table}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS months ON occurrences")
        op.execute("DROP FUNCTION IF EXISTS months_occurrence()")
    else:
        for name in ("months_insert", "months_delete", "months_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_process_months_team", table_name="process_months")
    op.drop_table("process_months")
