"""tokens_at_rest: how long migration 0010 (seal every stored token), its downgrade and
`coach keys rotate` take per thousand installations, on SQLite and PostgreSQL.

Each installation is what an OAuth install leaves: a `slack_installations` row and a
`slack_bots` row, with a bot token and a ~150-character refresh token. Baseline, measured
in the same run on the same rows: the same migration without a key (only the column
types change on PostgreSQL; nothing on SQLite). Median of 3 runs, each on fresh rows.

    .venv/bin/python -m bench.tokens_at_rest [--installations 1000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

from bench.common import Row, median, pg_available, print_table, scratch_pg, write_results
from bot.config import Settings
from bot.oauth import rotate_tokens
from storage.db import Database

REFRESH = "xoxe-1-" + "My0xLTEyMzQ1Njc4OTAxMi0" * 6
RUNS = 3


def fill(db: Database, count: int) -> None:
    """`count` installations as slack_sdk writes them (plain), in one bulk insert a table."""
    store = SQLAlchemyInstallationStore(client_id="111.222", engine=db.engine)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    common = {"client_id": "111.222", "app_id": "A0COACH01", "is_enterprise_install": False}
    rows = [
        {
            **common,
            "team_id": f"T{n:07d}",
            "bot_token": f"xoxb-{n:013d}-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "bot_id": "B0001",
            "bot_user_id": "UBOT1",
            "bot_scopes": "chat:write,commands",
            "bot_refresh_token": REFRESH,
            "installed_at": start + timedelta(minutes=n),
        }
        for n in range(count)
    ]
    with db.engine.begin() as conn:
        conn.execute(store.installations.insert(), [{**r, "user_id": "U1"} for r in rows])
        conn.execute(store.bots.insert(), rows)


def timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


@contextmanager
def database(kind: str) -> Iterator[Database]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            db = Database(f"sqlite:///{Path(folder) / 'b.db'}")
            yield db
            db.dispose()
        return
    with scratch_pg("coach_bench_keys") as url:
        db = Database(url)
        yield db
        db.dispose()


def measure(kind: str, count: int) -> dict[str, float]:
    """Seconds for: 0010 without a key, 0010 sealing, rotating, the downgrade opening."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    runs: dict[str, list[float]] = {"plain": [], "seal": [], "rotate": [], "open": []}
    for _ in range(RUNS):
        with database(kind) as db:
            db.upgrade("0009")
            fill(db, count)
            runs["plain"].append(timed(lambda db=db: db.upgrade()))
            db.downgrade("0009")
            runs["seal"].append(timed(lambda db=db: db.upgrade(token_keys=old)))
            settings = Settings(database_url=db.url, encryption_key=f"{new},{old}")
            runs["rotate"].append(timed(lambda db=db, s=settings: rotate_tokens(s, db)))
            runs["open"].append(timed(lambda db=db: db.downgrade("0009", token_keys=new)))
    return {name: median(values) for name, values in runs.items()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--installations", type=int, default=1000)
    args = p.parse_args()
    kinds = ["sqlite"] + (["postgres"] if pg_available() else [])
    rows: list[Row] = []
    figures = {}
    per = 1000 / args.installations
    for kind in kinds:
        got = figures[kind] = measure(kind, args.installations)
        base = got["plain"] * per
        for name, what in (
            ("seal", "migration 0010, sealing"),
            ("rotate", "coach keys rotate"),
            ("open", "0010's downgrade, opening"),
        ):
            value = got[name] * per
            rows.append(
                Row(f"{kind}: {what}", round(value, 3), "s / 1000", "", round(base, 3),
                    round(value / base, 1) if base else None)
            )  # fmt: skip
    print_table(
        f"tokens_at_rest: {args.installations:,} installations (baseline: 0010 without a key)",
        rows,
    )
    write_results("tokens_at_rest", rows, settings=vars(args), seconds=figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
