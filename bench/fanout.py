"""Fan-out under Slack's rate limits: the real nudge job sends 5,000 nudge DMs (5,000
owners, each with one costly process) against the fake Slack enforcing one message per
second per channel and a workspace-wide limit per minute, answering 429 with Retry-After
past it.

    python -m bench.fanout [--owners 5000] [--per-minute 3000]

Paced: the job as shipped, its token bucket (bot/pacing.py) set a little under the
workspace limit (COACH_SLACK_POSTS_PER_MINUTE). Baseline, in the same run: the same
fan-out with no pacing (slack_sdk's own retry of each 429 after Retry-After only).
"What the limits allow" is the workspace's steady rate, --per-minute / 60 a second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from bench.common import Row, print_table, write_results
from bot.config import Settings
from bot.jobs import Clients, JobContext
from bot.scheduler import run_job
from bot.slack import make_client
from bot.standin.fakeslack import FakeSlack
from storage.db import Database
from storage.models import Nudge, Occurrence, Process, Workspace

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 14:00 UTC: working hours in UTC
TEAM, TOKEN = "T0001", "xoxb-T0001"


class _NoBucket:
    waited = 0.0
    lessons = 0

    def acquire(self) -> float:
        return 0.0


class _NoPacer:
    def bucket(self, team_id: str) -> _NoBucket:
        return _NoBucket()


class Unpaced(Clients):
    """The baseline: the same client and job, no token bucket and no 429 lessons."""

    def __init__(self, settings: Settings, *, client: Any) -> None:
        super().__init__(settings, client=client)
        self.pacer = _NoPacer()  # type: ignore[assignment]

    def for_team(self, team_id: str) -> Any:
        return self._client


def seed(db: Database, owners: int) -> None:
    """One workspace; each owner owns one manual process worth 30 minutes a week."""
    with db.transaction() as session:
        session.add(Workspace(team_id=TEAM, name="Bench", created_at=NOW - timedelta(days=90)))
        session.flush()
        session.execute(
            insert(Process.__table__),
            [
                {
                    "team_id": TEAM,
                    "number": i + 1,
                    "title": f"Manual process {i + 1}",
                    "normalized_title": f"manual process {i + 1}",
                    "owner_id": f"U{i:05d}",
                    "reporter_id": f"U{i:05d}",
                    "channel_id": "C_OPS",
                    "status": "manual",
                    "status_changed_at": NOW - timedelta(days=30),
                    "created_at": NOW - timedelta(days=30),
                }
                for i in range(owners)
            ],
        )
        ids = list(session.scalars(select(Process.id).order_by(Process.number)))
        session.execute(
            insert(Occurrence.__table__),
            [
                {
                    "team_id": TEAM,
                    "process_id": pid,
                    "user_id": f"U{i:05d}",
                    "minutes": 120,
                    "default_duration": False,
                    "occurred_at": NOW - timedelta(days=3),
                    "source": "command",
                    "slack_key": f"seed:{i}",
                    "channel_id": "C_OPS",
                    "regression": False,
                }
                for i, pid in enumerate(ids)
            ],
        )


def fan_out(paced: bool, owners: int, per_minute: int, bot_per_minute: int) -> dict[str, Any]:
    with FakeSlack() as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_team(TEAM, name="Acme", bot_token=TOKEN, bot_user_id="UBOT1")
        for i in range(owners):
            fake.add_user(TEAM, f"U{i:05d}", f"owner{i}", tz="UTC")
        url = f"sqlite:///{tmp}/fanout.db"
        db = Database(url)
        db.upgrade()
        seed(db, owners)
        settings = Settings(
            database_url=url,
            slack_bot_token=TOKEN,
            slack_signing_secret="bench",
            slack_api_url=fake.api_url,
            slack_posts_per_minute=bot_per_minute,
        )
        client = make_client(settings)
        clients = Clients(settings, client=client) if paced else Unpaced(settings, client=client)
        ctx = JobContext(db=db, settings=settings, clients=clients, worker="bench")
        fake.set_rate_limits(per_channel_per_second=1.0, per_team_per_minute=per_minute)
        began = time.monotonic()
        figures = run_job("nudges", ctx, NOW)
        elapsed = time.monotonic() - began
        posts = fake.calls_to("chat.postMessage")
        delivered = [m for m in fake.messages if m.channel.startswith("D")]
        per_owner = Counter(m.channel for m in delivered)
        with db.transaction() as session:
            recorded = int(session.scalar(select(func.count()).select_from(Nudge)) or 0)
            claimed = int(
                session.scalar(text("SELECT count(*) FROM deliveries WHERE status = 'sent'")) or 0
            )
        db.dispose()
        bucket = clients.pacer.bucket(TEAM)
        return {
            "paced": paced,
            "elapsed_s": elapsed,
            "figures": figures,
            "post_calls": len(posts),
            "rejected_429": fake.rejected_429,
            "delivered": len(delivered),
            "owners_reached": len(per_owner),
            "duplicates": sum(n - 1 for n in per_owner.values() if n > 1),
            "lost": owners - len(per_owner),
            "nudges_recorded": recorded,
            "deliveries_sent": claimed,
            "bucket_waited_s": round(bucket.waited, 1),
            "bucket_lessons": bucket.lessons,
        }


def _show(run: dict[str, Any]) -> None:
    print(
        f"  {'paced' if run['paced'] else 'unpaced':<8} {run['delivered']:,} DMs in "
        f"{run['elapsed_s']:.1f} s; {run['post_calls']:,} chat.postMessage calls, "
        f"{run['rejected_429']:,} answered 429; lost {run['lost']}, duplicated "
        f"{run['duplicates']}; job {run['figures']}",
        flush=True,
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--owners", type=int, default=5000)
    p.add_argument("--per-minute", type=int, default=2000, help="the fake's workspace limit")
    p.add_argument(
        "--bot-share",
        type=float,
        default=0.98,
        help="COACH_SLACK_POSTS_PER_MINUTE as a share of the limit",
    )
    args = p.parse_args()
    bot_rate = int(args.per_minute * args.bot_share)
    allowed = args.per_minute / 60
    print(
        f"fanout: {args.owners:,} nudge DMs; fake Slack allows 1 post/s per channel and "
        f"{args.per_minute:,}/min per workspace ({allowed:.0f}/s); the bot paces at "
        f"{bot_rate:,}/min"
    )
    paced = fan_out(True, args.owners, args.per_minute, bot_rate)
    _show(paced)
    bare = fan_out(False, args.owners, args.per_minute, bot_rate)
    _show(bare)

    def share(run: dict[str, Any]) -> float:
        return run["rejected_429"] / run["post_calls"] if run["post_calls"] else 0.0

    def rate(run: dict[str, Any]) -> float:
        return run["delivered"] / run["elapsed_s"] if run["elapsed_s"] else 0.0

    rows = [
        Row("DMs lost", paced["lost"], "", "0", bare["lost"], None, paced["lost"] == 0),
        Row(
            "DMs duplicated",
            paced["duplicates"],
            "",
            "0",
            bare["duplicates"],
            None,
            paced["duplicates"] == 0,
        ),
        Row(
            "calls answered 429",
            round(100 * share(paced), 2),
            "%",
            "< 1 %",
            round(100 * share(bare), 2),
            None,
            share(paced) < 0.01,
        ),
        Row("429s (count)", paced["rejected_429"], "", "", bare["rejected_429"]),
        Row(
            "throughput",
            round(rate(paced), 1),
            "DM/s",
            f">= 90% of {allowed:.0f}/s",
            round(rate(bare), 1),
            round(rate(paced) / allowed, 3),
            rate(paced) >= 0.9 * allowed,
        ),
        Row(
            "time for all DMs",
            round(paced["elapsed_s"], 1),
            "s",
            f"~{args.owners / allowed:.0f} s at the limit",
            round(bare["elapsed_s"], 1),
            round(paced["elapsed_s"] / bare["elapsed_s"], 2) if bare["elapsed_s"] else None,
        ),
    ]
    print_table("fanout: 5,000 nudge DMs under Slack's rate limits (baseline: no pacing)", rows)
    write_results(
        "fanout",
        rows,
        settings=vars(args) | {"bot_posts_per_minute": bot_rate},
        paced=paced,
        unpaced=bare,
    )
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
