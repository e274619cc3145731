"""matching: rejected pairs of titles, and the match index with its word counts

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Self-contained: it adds three tables and fills the index from `processes`, touching no
other table, so it can sit after any revision (another branch adds 0007; re-point
`down_revision` at merge).

- `rejected_matches`: (team_id, key_a, key_b): two titles a reporter said are different.
- `match_words`: (team_id, word, process_id) for every match word of every process a
  report may attach to (not merged), and word '' for the title itself, so a report
  reads only the processes sharing a distinctive word with it.
- `match_word_counts`: (team_id, word) → in how many of those titles the word appears;
  word '' counts the titles.

The backfill computes the match words with bot.domain.words.title_words, the same
function the app maintains the index with.
"""

from collections import Counter
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from bot.domain.words import title_words

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rejected_matches",
        sa.Column(
            "team_id",
            sa.String(32),
            sa.ForeignKey("workspaces.team_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key_a", sa.String(300), primary_key=True),
        sa.Column("key_b", sa.String(300), primary_key=True),
        sa.Column("rejected_by", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    words = op.create_table(
        "match_words",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("word", sa.String(200), primary_key=True),
        sa.Column(
            "process_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.ForeignKey("processes.id", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_match_words_process", "match_words", ["process_id"])
    counts = op.create_table(
        "match_word_counts",
        sa.Column("team_id", sa.String(32), primary_key=True),
        sa.Column("word", sa.String(200), primary_key=True),
        sa.Column("titles", sa.Integer(), nullable=False),
    )
    _backfill(words, counts)


def _backfill(words: sa.Table, counts: sa.Table) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, team_id, title FROM processes WHERE merged_into_id IS NULL")
    )
    tally: Counter[tuple[str, str]] = Counter()
    batch: list[dict[str, object]] = []
    for process_id, team_id, title in rows:
        for word in sorted({"", *title_words(title)}):  # "": the title's own row
            tally[(team_id, word)] += 1
            batch.append({"team_id": team_id, "word": word, "process_id": process_id})
    if batch:
        op.bulk_insert(words, batch)
    if tally:
        op.bulk_insert(
            counts, [{"team_id": t, "word": w, "titles": n} for (t, w), n in tally.items()]
        )


def downgrade() -> None:
    op.drop_table("match_word_counts")
    op.drop_index("ix_match_words_process", table_name="match_words")
    op.drop_table("match_words")
    op.drop_table("rejected_matches")
