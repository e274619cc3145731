"""From a list of chores to decisions (issue 18, first half): a process's effort estimate
and the hours its automation really took, when its elimination was verified (8 weeks with
no report after its retirement), and its steps written down, every edit kept as a version
with who and when (`process_steps`).

Downgrading drops the new columns and the table: the steps, estimates and verification
dates go with them (nothing older is touched); upgrading again starts them afresh.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
COLUMNS = (
    ("effort_hours", sa.Float()),
    ("actual_hours", sa.Float()),
    ("verified_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("processes", sa.Column(name, kind, nullable=True))
    op.create_table(
        "process_steps",
        sa.Column("id", BigId, primary_key=True, autoincrement=True),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column(
            "process_id",
            BigId,
            sa.ForeignKey("processes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.String(32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("process_id", "version", name="uq_process_steps_version"),
    )
    op.create_index("ix_process_steps_team", "process_steps", ["team_id", "process_id"])


def downgrade() -> None:
    op.drop_index("ix_process_steps_team", table_name="process_steps")
    op.drop_table("process_steps")
    for name, _ in reversed(COLUMNS):
        op.execute(f"ALTER TABLE processes DROP COLUMN {name}")
