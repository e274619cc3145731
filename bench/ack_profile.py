"""Where a report's acknowledgement spends its CPU: `/manual-task <title> 45m` requests
(signed, unique trigger ids, the same titles as `bench.ack_load`) handed to the coach's
WSGI app in this process, under cProfile, after a warm-up. No HTTP server and no
concurrency: the handler's own work, grouped by where the code lives.

    python -m bench.ack_profile [--requests 2000] [--database-url URL] [--top 25]
                                [--history N]

`--history N` first stores N more reports on the same processes, spread over their last
28 days (what a card counts): the acknowledgement's cost should not grow with them.

Prints the share of CPU by package (the coach's bot/handlers/storage, Bolt, slack_sdk,
SQLAlchemy, the database driver, the standard library) and the top functions by their
own time and by cumulative time. SQLite in a temporary file by default.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.engine import Engine

from bench.ack_servers import SECRET, TEAM, USERS
from bench.ack_traffic import Requests
from bench.common import NO_LIMITS
from bot.app import create_app
from bot.config import settings_from
from bot.server import wsgi_app
from bot.standin.fakeslack import FakeSlack
from storage.db import Database
from storage.models import Occurrence, Process

GROUPS = (
    ("coach: bot", "/bot/"),
    ("coach: handlers", "/handlers/"),
    ("coach: storage", "/storage/"),
    ("slack_bolt", "/slack_bolt/"),
    ("slack_sdk", "/slack_sdk/"),
    ("sqlalchemy", "/sqlalchemy/"),
    ("driver (sqlite3, psycopg)", "sqlite3"),
    ("driver (sqlite3, psycopg)", "/psycopg"),
)


def _group(filename: str) -> str:
    for name, marker in GROUPS:
        if marker in filename:
            return name
    if filename.startswith("~") or "<built-in" in filename:
        return "builtins"
    return "other (stdlib, ...)"


def call(app: Any, body: bytes, headers: dict[str, str]) -> int:
    """One POST /slack/events through the WSGI app; its status."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "CONTENT_TYPE": headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
    }
    for name, value in headers.items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    status: list[str] = []
    b"".join(app(environ, lambda s, _h, _e=None: status.append(s)))
    return int(status[0].split()[0])


class _StatementCount:
    """Statements sent on this thread (the request's; not the background saves)."""

    def __init__(self) -> None:
        self.n = 0
        self._thread = threading.get_ident()

    def __call__(self, *_args: Any) -> None:
        if threading.get_ident() == self._thread:
            self.n += 1


def _history(db: Database, n: int) -> None:
    """`n` reports more on the workspace's processes, over their last 28 days."""
    now = datetime.now(UTC)
    with db.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(select(Process.id).where(Process.team_id == TEAM))]
    for chunk in range(0, n, 10_000):
        rows = [
            {
                "team_id": TEAM,
                "process_id": ids[i % len(ids)],
                "user_id": f"U{i % USERS:05d}",
                "minutes": 30,
                "default_duration": False,
                "occurred_at": now - timedelta(minutes=(i * 37) % (27 * 24 * 60)),
                "source": "command",
                "slack_key": f"history:{i}",
                "channel_id": "C_OPS",
                "regression": False,
            }
            for i in range(chunk, min(n, chunk + 10_000))
        ]
        with db.engine.begin() as conn:
            conn.execute(insert(Occurrence), rows)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--database-url", default="")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--history", type=int, default=0)
    args = p.parse_args()
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_team(TEAM, name="Acme", bot_token="xoxb-T0001", bot_user_id="UBOT1")
        fake.add_channel(TEAM, "C_OPS", "ops")
        for i in range(USERS):
            fake.add_user(TEAM, f"U{i:05d}", f"user{i}", tz="UTC")
        url = args.database_url or f"sqlite:///{tmp}/profile.db"
        db = Database(url)
        db.upgrade()
        settings = settings_from(
            {
                "DATABASE_URL": url,
                "SLACK_BOT_TOKEN": "xoxb-T0001",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.api_url,
                **NO_LIMITS,  # as the servers `bench.ack_load` measures run
            }
        )
        app = wsgi_app(create_app(settings, db=db), db)
        reqs = Requests()
        for _ in range(args.warmup):
            assert call(app, *reqs.next()) == 200
        if args.history:
            _history(db, args.history)
        plain = [reqs.next() for _ in range(args.requests)]
        statements = _StatementCount()
        event.listen(Engine, "before_cursor_execute", statements)
        began, wall = time.process_time(), time.perf_counter()
        for body, headers in plain:
            call(app, body, headers)
        bare, wall = time.process_time() - began, time.perf_counter() - wall
        event.remove(Engine, "before_cursor_execute", statements)
        bodies = [reqs.next() for _ in range(args.requests)]
        profile = cProfile.Profile()
        began = time.process_time()
        profile.enable()
        for body, headers in bodies:
            call(app, body, headers)
        profile.disable()
        cpu = time.process_time() - began
        db.dispose()
    stats = pstats.Stats(profile)
    by_group: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_group[_group(filename)] += tt
        total += tt
    backend = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    history = f", {args.history:,} reports before" if args.history else ""
    print(
        f"ack_profile: {args.requests} reports ({backend}{history}): "
        f"{bare / args.requests * 1000:.2f} ms CPU each in this process without the "
        f"profiler ({wall / args.requests * 1000:.2f} ms wall, "
        f"{statements.n / args.requests:.2f} statements), "
        f"{cpu / args.requests * 1000:.2f} ms under it"
    )
    print("\nown time by package:")
    for name, tt in sorted(by_group.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<28} {tt / total * 100:5.1f} %  {tt / args.requests * 1000:6.3f} ms/report")
    for key in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(key).print_stats(args.top)
        print(f"\ntop {args.top} by {key}:")
        print("\n".join(out.getvalue().splitlines()[6:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
