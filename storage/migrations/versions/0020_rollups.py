"""rollups: per-process totals a day, a week and a reporter, kept by the database itself

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03

Three tables that the digest, the App Home, `list` and `stats` read instead of the
occurrences (storage/rollups.py): for each process, its reports, minutes and regression
minutes per UTC day (`process_days`) and per week, Monday to Sunday in UTC
(`process_weeks`), and its reports per reporter (`process_reporters`).

Triggers on `occurrences` keep them: every insert adds, every delete subtracts, and every
update of a counted column (a merge moving reports, a report marked a regression) does
both. Every change is an addition, so two transactions at once never lose one another's,
whatever path made the change (a report, undo, merge, split, forget, a cascade). A total
that reaches no report is deleted.

It also records who sent a report that names someone else as its doer
(`occurrences.submitted_by`, indexed where set), so that the limit on reports a minute
holds for them too.

Upgrading creates the tables and triggers, then fills them from the occurrences in one
statement each (about 2 s per million occurrences on either database here: see
bench/README.md). Downgrading drops the triggers and the tables; nothing else changed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COUNTED = ("process_id", "team_id", "user_id", "minutes", "occurred_at", "regression")

# Each table: its key column, and how that key is made from an occurrence's columns.
_SQLITE_KEYS = {
    # The date part as stored ('2026-11-30 23:59:59.999999'): SQLite's date() rounds the
    # last half-millisecond of a day up into the next one.
    "process_days": ("day", "substr({r}.occurred_at, 1, 10)"),
    "process_weeks": ("week", "date(substr({r}.occurred_at, 1, 10), 'weekday 0', '-6 days')"),
    "process_reporters": ("user_id", "{r}.user_id"),
}
_PG_KEYS = {
    "process_days": ("day", "({r}.occurred_at AT TIME ZONE 'UTC')::date"),
    "process_weeks": ("week", "date_trunc('week', {r}.occurred_at AT TIME ZONE 'UTC')::date"),
    "process_reporters": ("user_id", "{r}.user_id"),
}


ROLLUPS = ("process_days", "process_weeks", "process_reporters")


def _process_id(inline_fk: bool) -> sa.Column:  # type: ignore[type-arg]
    fk = [sa.ForeignKey("processes.id", ondelete="CASCADE")] if inline_fk else []
    return sa.Column("process_id", _ID, *fk, primary_key=True)


def _tables(inline_fk: bool) -> None:
    """The tables bare: on PostgreSQL their foreign keys and indexes come after the
    backfill (one check of them all, not one per row: 3× faster here)."""
    for name, key in (("process_days", "day"), ("process_weeks", "week")):
        op.create_table(
            name,
            _process_id(inline_fk),
            sa.Column(key, sa.Date(), primary_key=True),
            sa.Column("team_id", sa.String(32), nullable=False),
            sa.Column("reports", sa.Integer(), nullable=False),
            sa.Column("minutes", sa.Integer(), nullable=False),
            sa.Column("regression_minutes", sa.Integer(), nullable=False),
        )
    op.create_table(
        "process_reporters",
        _process_id(inline_fk),
        sa.Column("user_id", sa.String(32), primary_key=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("reports", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("regression_minutes", sa.Integer(), nullable=False),
    )


def _keys_and_indexes(inline_fk: bool) -> None:
    if not inline_fk:
        for name in ROLLUPS:
            op.create_foreign_key(
                f"{name}_process_id_fkey",
                name,
                "processes",
                ["process_id"],
                ["id"],
                ondelete="CASCADE",
            )
    for name, key in (("process_days", "day"), ("process_weeks", "week")):
        op.create_index(
            f"ix_{name}_team",
            name,
            ["team_id", key, "process_id", "reports", "minutes", "regression_minutes"],
        )
    op.create_index(
        "ix_process_reporters_team_user", "process_reporters", ["team_id", "user_id", "process_id"]
    )


def _regression(r: str) -> str:
    return f"CASE WHEN {r}.regression THEN {r}.minutes ELSE 0 END"


def _add(table: str, key: tuple[str, str], r: str) -> str:
    column, made = key
    return (
        f"INSERT INTO {table} (process_id, {column}, team_id, reports, minutes,"
        f" regression_minutes) VALUES ({r}.process_id, {made.format(r=r)}, {r}.team_id, 1,"
        f" {r}.minutes, {_regression(r)}) ON CONFLICT (process_id, {column}) DO UPDATE SET"
        f" reports = {table}.reports + 1, minutes = {table}.minutes + excluded.minutes,"
        f" regression_minutes = {table}.regression_minutes + excluded.regression_minutes;"
    )


def _subtract(table: str, key: tuple[str, str], r: str) -> str:
    column, made = key
    where = f"process_id = {r}.process_id AND {column} = {made.format(r=r)}"
    return (
        f"UPDATE {table} SET reports = reports - 1, minutes = minutes - {r}.minutes,"
        f" regression_minutes = regression_minutes - {_regression(r)} WHERE {where};"
        f" DELETE FROM {table} WHERE {where} AND reports <= 0;"
    )


def _backfill(keys: dict[str, tuple[str, str]]) -> None:
    for table, (column, made) in keys.items():
        key = made.format(r="o")
        op.execute(
            f"INSERT INTO {table} (process_id, {column}, team_id, reports, minutes,"
            f" regression_minutes) SELECT o.process_id, {key}, min(o.team_id), count(*),"
            f" sum(o.minutes), sum({_regression('o')}) FROM occurrences o"
            f" GROUP BY o.process_id, {key}"
        )


def _sqlite() -> None:
    adds = " ".join(_add(t, k, "NEW") for t, k in _SQLITE_KEYS.items())
    subtracts = " ".join(_subtract(t, k, "OLD") for t, k in _SQLITE_KEYS.items())
    op.execute(f"CREATE TRIGGER rollup_insert AFTER INSERT ON occurrences BEGIN {adds} END")
    op.execute(f"CREATE TRIGGER rollup_delete AFTER DELETE ON occurrences BEGIN {subtracts} END")
    op.execute(
        f"CREATE TRIGGER rollup_update AFTER UPDATE OF {', '.join(COUNTED)} ON occurrences"
        f" BEGIN {subtracts} {adds} END"
    )


def _postgresql() -> None:
    adds = " ".join(_add(t, k, "NEW") for t, k in _PG_KEYS.items())
    subtracts = " ".join(_subtract(t, k, "OLD") for t, k in _PG_KEYS.items())
    op.execute(
        "CREATE FUNCTION rollup_occurrence() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP IN ('DELETE', 'UPDATE') THEN {subtracts} END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {adds} END IF;"
        " RETURN NULL; END $$"
    )
    op.execute(
        f"CREATE TRIGGER rollup AFTER INSERT OR DELETE OR UPDATE OF {', '.join(COUNTED)}"
        " ON occurrences FOR EACH ROW EXECUTE FUNCTION rollup_occurrence()"
    )


def upgrade() -> None:
    op.add_column("occurrences", sa.Column("submitted_by", sa.String(32)))
    op.create_index(
        "ix_occurrence_submitter",
        "occurrences",
        ["team_id", "submitted_by", "occurred_at"],
        sqlite_where=sa.text("submitted_by IS NOT NULL"),
        postgresql_where=sa.text("submitted_by IS NOT NULL"),
    )
    pg = op.get_bind().dialect.name == "postgresql"
    _tables(inline_fk=not pg)
    if pg:
        _postgresql()
        _backfill(_PG_KEYS)
    else:
        _sqlite()
        _backfill(_SQLITE_KEYS)
    _keys_and_indexes(inline_fk=not pg)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS rollup ON occurrences")
        op.execute("DROP FUNCTION IF EXISTS rollup_occurrence()")
    else:
        for name in ("rollup_insert", "rollup_delete", "rollup_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_process_reporters_team_user", table_name="process_reporters")
    op.drop_table("process_reporters")
    for name in ("process_weeks", "process_days"):
        op.drop_index(f"ix_{name}_team", table_name=name)
        op.drop_table(name)
    op.drop_index("ix_occurrence_submitter", table_name="occurrences")
    op.execute("ALTER TABLE occurrences DROP COLUMN submitted_by")  # no SQLite table copy
