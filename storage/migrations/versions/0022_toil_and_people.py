"""toil budget, business volume and who did manual work: what "from chores to decisions" reads

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03

- `workspaces.toil_budget_percent`: the share of a team's working hours its manual work
  may take (NULL: the default, 50%, Google SRE's cap).
- `channel_teams`: a channel team's size as an admin set it (no row: the people who
  reported there in the last four whole weeks and this one).
- `business_volumes`: a business volume an admin records a month (12000 orders).
- `process_quarter_reporters`: reports per process, calendar quarter (UTC, keyed by its
  first day) and reporter, for the people who did manual work each quarter on the
  processes in sight. A quarter holds at most one row per (process, person) pair.
- `channel_week_reporters`: reports per workspace, channel of the report ('' for none),
  week (Monday to Sunday, UTC) and reporter, for a channel team's size. A week holds at
  most one row per (channel, person) pair.

Both are rollups like 0020's, kept by their own triggers on `occurrences` (every insert
adds, every delete subtracts, an update of a counted column does both; a row that counts
no report is deleted), so "how many people did manual work" reads them, never the
occurrences, and what it reads is bounded by people, not reports. Filled from the
occurrences as they are created, one statement each.

Downgrading drops the triggers, the four tables and the column; nothing that was there
before 0022 changes either way. Independent of 0021 (the other half of issue 18).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTED = ("process_id", "team_id", "user_id", "occurred_at", "channel_id")
# SQLite keeps a time as text in UTC ('2026-03-31 23:59:59.999999'); its date functions
# round that to the millisecond, into the next day, so they are given its date alone.
_SQLITE_DAY = "substr({r}.occurred_at, 1, 10)"
QUARTER = {
    "sqlite": f"date({_SQLITE_DAY}, 'start of month', printf('-%d months',"
    f" (cast(strftime('%m', {_SQLITE_DAY}) as integer) - 1) % 3))",
    "postgresql": "date_trunc('quarter', {r}.occurred_at AT TIME ZONE 'UTC')::date",
}
WEEK = {
    "sqlite": f"date({_SQLITE_DAY}, 'weekday 0', '-6 days')",
    "postgresql": "date_trunc('week', {r}.occurred_at AT TIME ZONE 'UTC')::date",
}
_PEOPLE = ("process_quarter_reporters", "channel_week_reporters")


def keys(dialect: str) -> dict[str, dict[str, str]]:
    """Each rollup's key columns, and how each is made from an occurrence `{r}`."""
    return {
        "process_quarter_reporters": {
            "process_id": "{r}.process_id",
            "quarter": QUARTER[dialect],
            "user_id": "{r}.user_id",
        },
        "channel_week_reporters": {
            "team_id": "{r}.team_id",
            "channel_id": "coalesce({r}.channel_id, '')",
            "week": WEEK[dialect],
            "user_id": "{r}.user_id",
        },
    }


def _extra(table: str) -> dict[str, str]:
    """Columns besides the key and the count: a process rollup's team, as 0020's keep it."""
    return {"team_id": "{r}.team_id"} if table == "process_quarter_reporters" else {}


def _add(table: str, key: dict[str, str], r: str) -> str:
    made = {**key, **_extra(table)}
    return (
        f"INSERT INTO {table} ({', '.join(made)}, reports) VALUES"
        f" ({', '.join(m.format(r=r) for m in made.values())}, 1)"
        f" ON CONFLICT ({', '.join(key)}) DO UPDATE SET reports = {table}.reports + 1;"
    )


def _subtract(table: str, key: dict[str, str], r: str) -> str:
    where = " AND ".join(f"{c} = {m.format(r=r)}" for c, m in key.items())
    return (
        f"UPDATE {table} SET reports = reports - 1 WHERE {where};"
        f" DELETE FROM {table} WHERE {where} AND reports <= 0;"
    )


def _backfill(table: str, key: dict[str, str]) -> None:
    made = [m.format(r="o") for m in key.values()]
    extra = [f"min({m.format(r='o')})" for m in _extra(table).values()]
    op.execute(
        f"INSERT INTO {table} ({', '.join([*key, *_extra(table)])}, reports)"
        f" SELECT {', '.join([*made, *extra])}, count(*) FROM occurrences o"
        f" GROUP BY {', '.join(made)}"
    )


def _tables() -> None:
    op.add_column("workspaces", sa.Column("toil_budget_percent", sa.Integer(), nullable=True))
    op.create_table(
        "channel_teams",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("workspaces.team_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.String(32), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "business_volumes",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("workspaces.team_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "process_quarter_reporters",
        sa.Column(
            "process_id", _ID, sa.ForeignKey("processes.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("quarter", sa.Date(), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_process_quarter_reporters_team",
        "process_quarter_reporters",
        ["team_id", "quarter", "user_id", "process_id"],
    )
    op.create_table(
        "channel_week_reporters",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("channel_id", sa.String(32), primary_key=True),
        sa.Column("week", sa.Date(), primary_key=True),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("reports", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_channel_week_reporters_week", "channel_week_reporters", ["team_id", "week", "user_id"]
    )


def upgrade() -> None:
    _tables()
    dialect = "postgresql" if op.get_bind().dialect.name == "postgresql" else "sqlite"
    made = keys(dialect)
    adds = " ".join(_add(t, k, "NEW") for t, k in made.items())
    subtracts = " ".join(_subtract(t, k, "OLD") for t, k in made.items())
    if dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION reporters_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF TG_OP IN ('DELETE', 'UPDATE') THEN {subtracts} END IF;"
            f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {adds} END IF;"
            " RETURN NULL; END $$"
        )
        op.execute(
            "CREATE TRIGGER reporters AFTER INSERT OR DELETE OR UPDATE OF"
            f" {', '.join(COUNTED)} ON occurrences FOR EACH ROW"
            " EXECUTE FUNCTION reporters_occurrence()"
        )
    else:
        op.execute(f"CREATE TRIGGER reporters_insert AFTER INSERT ON occurrences BEGIN {adds} END")
        op.execute(
            f"CREATE TRIGGER reporters_delete AFTER DELETE ON occurrences BEGIN {subtracts} END"
        )
        op.execute(
            f"CREATE TRIGGER reporters_update AFTER UPDATE OF {', '.join(COUNTED)}"
            f" ON occurrences BEGIN {subtracts} {adds} END"
        )
    for table, key in made.items():
        _backfill(table, key)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS reporters ON occurrences")
        op.execute("DROP FUNCTION IF EXISTS reporters_occurrence()")
    else:
        for name in ("reporters_insert", "reporters_delete", "reporters_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_channel_week_reporters_week", table_name="channel_week_reporters")
    op.drop_index("ix_process_quarter_reporters_team", table_name="process_quarter_reporters")
    for name in (*reversed(_PEOPLE), "business_volumes", "channel_teams"):
        op.drop_table(name)
    op.drop_column("workspaces", "toil_budget_percent")  # no table copy (it would cascade)
