"""Scheduled work at scale: deciding who is due for a nudge, and building one digest, over
generated data (10,000 processes, 2,000 owners, 50 digest channels, one workspace) at
three sizes of the occurrences table, on SQLite and PostgreSQL.

    python -m bench.scale [--scales 100000,1000000,10000000] [--backends sqlite,postgres]

The default sizes are the issue's: 1M, and 10x fewer and 10x more (about 22 minutes here,
most of it loading 10M rows into each database); `--scales 100000,1000000,3000000` is a
quicker check (about 5 minutes).

Each measurement runs in its own subprocess (`--measure`), which reports the median
wall time of `--reps` runs and its peak resident memory (ru_maxrss, the whole
interpreter included: VmHWM). The baseline, measured the same way at each size, is a bare
`SELECT count(*), sum(minutes) FROM occurrences`. Occurrences are spread over the year
before the benchmark's clock, so every size has 10x the load of the one before in every
window the digest and the nudge rules read.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text

from bench.common import Row, median, pg_available, print_table, scratch_pg, write_results
from storage.db import Database
from storage.models import DigestSubscription, Nudge, Process, ProcessEvent, Workspace

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday
TEAM = "T0001"
PROCESSES, OWNERS, CHANNELS = 10_000, 2_000, 50
YEAR = timedelta(days=365)
CHUNK = 100_000
OCC_COLUMNS = (
    "team_id",
    "process_id",
    "user_id",
    "minutes",
    "default_duration",
    "occurred_at",
    "source",
    "slack_key",
    "channel_id",
    "regression",
)
TARGETS = {"digest": 2.0, "nudge": 10.0, "memory_mb": 300.0}


# ----------------------------------------------------------------- generating data


def seed_base(db: Database) -> None:
    """The workspace, 10,000 processes, their nudge history and 50 digest channels."""
    rnd = random.Random(7)
    processes, nudges = [], []
    for i in range(1, PROCESSES + 1):
        status = {1: "automating", 2: "accepted", 3: "retired"}.get(i % 20, "manual")
        created = NOW - YEAR + timedelta(seconds=rnd.randrange(int(YEAR.total_seconds())))
        changed = NOW - timedelta(days=rnd.randrange(1, 60))
        processes.append(
            {
                "team_id": TEAM,
                "number": i,
                "title": f"Manual process number {i}",
                "normalized_title": f"manual process number {i}",
                "owner_id": None if i % 5 == 0 else f"U{i % OWNERS:05d}",
                "reporter_id": f"U{(i * 7) % OWNERS:05d}",
                "channel_id": f"C{i % CHANNELS:04d}",
                "status": status,
                "status_changed_at": changed,
                "accepted_reason": "no time" if status == "accepted" else None,
                "review_at": NOW - timedelta(days=1) if status == "accepted" else None,
                "snoozed_until": NOW + timedelta(days=3) if i % 50 == 7 else None,
                "retired_by": f"U{i % OWNERS:05d}" if status == "retired" else None,
                "retired_at": changed if status == "retired" else None,
                "eliminated_minutes_per_week": float(rnd.randrange(10, 600))
                if status == "retired"
                else None,
                "created_at": created,
            }
        )
    with db.transaction() as session:
        session.add(Workspace(team_id=TEAM, name="Bench", created_at=NOW - YEAR))
        session.flush()
        session.execute(insert(Process.__table__), processes)
        ids = [r[0] for r in session.execute(text("SELECT id FROM processes ORDER BY number"))]
        for n, pid in enumerate(ids, start=1):
            for kind, days in (("nudge", n % 30), ("nudge", 30 + n % 60)):
                answered = n % 10 == 4 and days < 7
                nudges.append(
                    {
                        "team_id": TEAM,
                        "process_id": pid,
                        "kind": kind if n % 20 != 1 else "followup",
                        "asked_user_id": f"U{n % OWNERS:05d}",
                        "asked_at": NOW - timedelta(days=days, hours=1),
                        "channel_id": f"DU{n % OWNERS:05d}",
                        "message_ts": f"{n}.{days}",
                        "answer": "not_worth" if answered else None,
                        "reason": "no time" if answered else None,
                        "answered_by": f"U{n % OWNERS:05d}" if answered else None,
                        "answered_at": NOW - timedelta(days=days) if answered else None,
                    }
                )
        session.execute(insert(Nudge.__table__), nudges)
        session.execute(  # the history the eliminated figures are read from
            insert(ProcessEvent.__table__),
            [
                {
                    "team_id": TEAM,
                    "process_id": pid,
                    "kind": "retired",
                    "actor_id": row["retired_by"],
                    "at": row["retired_at"],
                    "minutes_per_week": row["eliminated_minutes_per_week"],
                }
                for pid, row in zip(ids, processes, strict=True)
                if row["status"] == "retired"
            ],
        )
        session.execute(
            insert(DigestSubscription.__table__),
            [
                {
                    "team_id": TEAM,
                    "channel_id": f"C{c:04d}",
                    "cadence": "weekly",
                    "weekday": 0,
                    "local_time": "09:00",
                    "timezone": "UTC",
                    "created_by": "U00001",
                    "created_at": NOW - YEAR,
                }
                for c in range(CHANNELS)
            ],
        )


def _occurrences(db: Database, start: int, stop: int) -> Iterator[list[tuple[Any, ...]]]:
    """Rows start..stop-1 in chunks; deterministic per row number."""
    with db.transaction() as session:
        ids = [r[0] for r in session.execute(text("SELECT id FROM processes ORDER BY number"))]
    span = int(YEAR.total_seconds())
    for lo in range(start, stop, CHUNK):
        rnd = random.Random(lo)
        rows = []
        for n in range(lo, min(stop, lo + CHUNK)):
            k = rnd.randrange(PROCESSES)
            when = NOW - timedelta(seconds=rnd.randrange(span))
            rows.append(
                (
                    TEAM,
                    ids[k],
                    f"U{rnd.randrange(OWNERS):05d}",
                    rnd.randrange(5, 121),
                    False,
                    when,
                    "command",
                    f"gen:{n}",
                    f"C{(k + 1) % CHANNELS:04d}",
                    n % 997 == 0,
                )
            )
        yield rows


def load_occurrences(db: Database, start: int, stop: int) -> float:
    """Add occurrences start..stop-1: COPY on PostgreSQL, chunked executemany on SQLite."""
    began = time.perf_counter()
    raw = db.engine.raw_connection()
    try:
        conn: Any = raw.driver_connection
        if db.is_sqlite:
            conn.execute("PRAGMA synchronous=OFF")
            sql = (
                f"INSERT INTO occurrences ({', '.join(OCC_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(OCC_COLUMNS))})"
            )
            for rows in _occurrences(db, start, stop):
                conn.execute("BEGIN")
                conn.executemany(
                    sql,
                    [
                        (*r[:5], r[5].strftime("%Y-%m-%d %H:%M:%S.%f"), *r[6:])  # as SQLAlchemy
                        for r in rows
                    ],
                )
                conn.execute("COMMIT")
            conn.execute("ANALYZE")
            conn.execute("PRAGMA synchronous=NORMAL")
        else:
            for rows in _occurrences(db, start, stop):
                with conn.cursor() as cur:
                    copy_sql = f"COPY occurrences ({', '.join(OCC_COLUMNS)}) FROM STDIN"
                    with cur.copy(copy_sql) as copy:
                        for r in rows:
                            copy.write_row(r)
                conn.commit()
            conn.autocommit = True
            conn.execute("VACUUM ANALYZE")
            conn.autocommit = False
    finally:
        raw.close()
    return time.perf_counter() - began


# ----------------------------------------------------------------- one measurement


def _status_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process, in MB. Unlike ru_maxrss, VmHWM starts
    afresh at exec, so the parent's memory does not leak into the child's figure."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(what: str, url: str, reps: int) -> dict[str, Any]:
    """Run `what` `reps` times in this (fresh) process; times, result size and memory."""
    from bot.charts import manual_vs_eliminated
    from bot.jobs.nudges import plan
    from bot.messages.digest import digest
    from bot.services import digests as service

    db = Database(url)
    db.ping()
    before = _status_mb("VmRSS")
    times, size = [], 0
    for _ in range(reps):
        began = time.perf_counter()
        with db.transaction() as session:
            if what == "baseline":
                row = session.execute(text("SELECT count(*), sum(minutes) FROM occurrences")).one()
                size = int(row[0])
            elif what == "nudge":
                due = plan(session, team_id=TEAM, now=NOW)
                size = sum(len(v) for v in due.by_owner.values()) + len(due.unowned)
            else:
                start = NOW - timedelta(days=7)
                data = service.gather(
                    session, team_id=TEAM, start=start, end=NOW, title="Manual work digest"
                )
                points = service.series(session, team_id=TEAM, end=NOW)
                text_, blocks = digest(data)
                png = manual_vs_eliminated(points)
                size = len(png) + len(blocks)
        times.append(time.perf_counter() - began)
    peak = _status_mb("VmHWM")
    db.dispose()
    return {"times": times, "size": size, "rss_before_mb": before, "peak_mb": peak}


def in_subprocess(what: str, url: str, reps: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--measure", what, "--url", url, "--reps", str(reps)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"measuring {what} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# ----------------------------------------------------------------- the run


@contextmanager
def database(backend: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/scale.db"
    else:
        with scratch_pg("coach_bench_scale") as url:
            yield url


def growth(points: list[tuple[int, float]]) -> float:
    """The exponent k in time ~ n^k from the first to the last point (1.0 = linear)."""
    (n0, t0), (n1, t1) = points[0], points[-1]
    if t0 <= 0 or t1 <= 0 or n0 == n1:
        return 0.0
    return math.log(t1 / t0) / math.log(n1 / n0)


def worst_step(points: list[tuple[int, float]]) -> float:
    """The largest exponent between two neighbouring sizes."""
    return max((growth([a, b]) for a, b in zip(points, points[1:], strict=False)), default=0.0)


def run_backend(backend: str, scales: list[int], reps: int, log: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    label = "SQLite" if backend == "sqlite" else "PostgreSQL"
    series: dict[str, list[tuple[int, float]]] = {"baseline": [], "nudge": [], "digest": []}
    with database(backend) as url:
        db = Database(url)
        db.upgrade()
        seed_base(db)
        have = 0
        for n in scales:
            took = load_occurrences(db, have, n)
            have = n
            print(f"{label}: {n:,} occurrences loaded (+{took:.1f} s)", flush=True)
            found = {
                what: in_subprocess(what, url, reps) for what in ("baseline", "nudge", "digest")
            }
            log[f"{label} {n}"] = found
            base = median(found["baseline"]["times"])
            for what in ("nudge", "digest"):
                m = found[what]
                t = median(m["times"])
                series[what].append((n, t))
                print(
                    f"  {what:<7} median {t:.3f} s of {[round(x, 3) for x in m['times']]}, "
                    f"peak RSS {m['peak_mb']:.0f} MB ({m['rss_before_mb']:.0f} MB after imports),"
                    f" {m['size']} items; baseline {base:.3f} s",
                    flush=True,
                )
                target = TARGETS[what]
                rows.append(
                    Row(
                        f"{label} {n / 1e6:g}M: {what}",
                        round(t, 3),
                        "s",
                        f"< {target:g} s" if n <= 1_000_000 else "linear growth",
                        round(base, 3),
                        round(t / base, 1) if base else None,
                        t < target if n <= 1_000_000 else None,
                    )
                )
                rows.append(
                    Row(
                        f"{label} {n / 1e6:g}M: {what} peak RSS",
                        round(m["peak_mb"], 0),
                        "MB",
                        "< 300 MB",
                        round(found["baseline"]["peak_mb"], 0),
                        round(m["peak_mb"] / found["baseline"]["peak_mb"], 2),
                        m["peak_mb"] < TARGETS["memory_mb"],
                    )
                )
            series["baseline"].append((n, base))
        db.dispose()
    for what in ("nudge", "digest"):
        k, kb = growth(series[what]), growth(series["baseline"])
        rows.append(
            Row(
                f"{label}: {what} growth exponent",
                round(k, 2),
                "",
                "<= 1.0 (linear)",
                round(kb, 2),
                None,
                k <= 1.1,
            )
        )
        step, step_b = worst_step(series[what]), worst_step(series["baseline"])
        rows.append(
            Row(
                f"{label}: {what} worst step exponent",
                round(step, 2),
                "",
                "<= 1.0 (linear)",
                round(step_b, 2),
                None,
                step <= 1.1,
            )
        )
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scales", default="100000,1000000,10000000")
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--measure", choices=("baseline", "nudge", "digest"), help=argparse.SUPPRESS)
    p.add_argument("--url", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.url, args.reps)))
        return 0
    scales = [int(s) for s in args.scales.split(",")]
    backends = args.backends.split(",")
    if "postgres" in backends and not pg_available():
        print("PostgreSQL is not answering: SQLite only")
        backends = [b for b in backends if b != "postgres"]
    print(
        f"scale: {PROCESSES:,} processes, {OWNERS:,} owners, {CHANNELS} digest channels, "
        f"occurrences {', '.join(f'{s:,}' for s in scales)}; {os.cpu_count()} CPUs"
    )
    rows: list[Row] = []
    log: dict[str, Any] = {}
    began = time.perf_counter()
    for backend in backends:
        rows += run_backend(backend, scales, args.reps, log)
    print_table("scale: nudge decision and one digest vs SELECT count(*)", rows)
    write_results(
        "scale",
        rows,
        scales=scales,
        backends=backends,
        seconds=round(time.perf_counter() - began),
        raw=log,
    )
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
