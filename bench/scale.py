"""Scheduled work at scale: deciding who is due for a nudge, and building one digest, over
generated data (10,000 processes, 2,000 owners, 50 digest channels, one workspace) at
three sizes of the occurrences table, on SQLite and PostgreSQL.

    python -m bench.scale [--scales 100000,1000000,10000000] [--backends sqlite,postgres]

The default sizes are the issue's: 1M, and 10x fewer and 10x more (about 40 minutes here,
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
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import Row, median, pg_available, print_table, scratch_pg, write_results
from bench.scale_data import CHANNELS, OWNERS, PROCESSES, load_occurrences, seed_base, settle
from bench.scale_measure import in_subprocess, measure
from storage.db import Database

TARGETS = {"digest": 0.5, "nudge": 10.0, "memory_mb": 300.0}
GROWTH = 0.3  # the largest growth exponent of a digest, the Home tab or stats


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


MEASURES = ("nudge", "digest", "channel_digest", "daily_digest", "home", "stats")
ROLLUPS_BEFORE = "0019"  # the revision before the rollups (migration 0020)


def _backfill(db: Database, n: int, label: str, rows: list[Row]) -> None:
    """The rollups' migrations both ways over `n` occurrences, 0019 to the head and back
    (the backfills of 0020, 0022 and 0023): the time their upgrade and their downgrade
    take, per million rows."""
    began = time.perf_counter()
    db.downgrade(ROLLUPS_BEFORE)
    down = time.perf_counter() - began
    began = time.perf_counter()
    db.upgrade()
    up = time.perf_counter() - began
    per = n / 1e6
    print(
        f"  migrations 0020-0023 over {n:,}: upgrade {up:.1f} s, downgrade {down:.2f} s", flush=True
    )
    rows.append(
        Row(f"{label} {per:g}M: 0020-0023 upgrade (backfills)", round(up / per, 2), "s per 1M")
    )
    rows.append(Row(f"{label} {per:g}M: 0020-0023 downgrade", round(down / per, 3), "s per 1M"))


def _target(what: str) -> float:
    return TARGETS.get(what, TARGETS["digest"])


def run_backend(backend: str, scales: list[int], reps: int, log: dict[str, Any]) -> list[Row]:
    rows: list[Row] = []
    label = "SQLite" if backend == "sqlite" else "PostgreSQL"
    series: dict[str, list[tuple[int, float]]] = {w: [] for w in ("baseline", *MEASURES)}
    with database(backend) as url:
        db = Database(url)
        db.upgrade()
        seed_base(db)
        have = 0
        for n in scales:
            db.downgrade(ROLLUPS_BEFORE)  # loaded without the triggers, then backfilled
            took = load_occurrences(db, have, n)
            db.upgrade()
            have = n
            print(f"{label}: {n:,} occurrences loaded (+{took:.1f} s)", flush=True)
            _backfill(db, n, label, rows)
            settle(db)  # statistics of the tables the backfill filled, as autovacuum would
            found = {what: in_subprocess(what, url, reps) for what in ("baseline", *MEASURES)}
            log[f"{label} {n}"] = found
            base = median(found["baseline"]["times"])
            for what in MEASURES:
                m = found[what]
                t = median(m["times"])
                series[what].append((n, t))
                print(
                    f"  {what:<14} median {t:.3f} s of {[round(x, 3) for x in m['times']]}, "
                    f"peak RSS {m['peak_mb']:.0f} MB ({m['rss_before_mb']:.0f} MB after imports),"
                    f" {m['size']} items; baseline {base:.3f} s",
                    flush=True,
                )
                target = _target(what)
                rows.append(
                    Row(
                        f"{label} {n / 1e6:g}M: {what}",
                        round(t, 3),
                        "s",
                        f"< {target:g} s",
                        round(base, 3),
                        round(t / base, 2) if base else None,
                        t < target,
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
    for what in MEASURES:
        # The exponent: from 1M to 10M when both were measured (else first to last).
        points = [p for p in series[what] if p[0] >= 1_000_000] or series[what]
        based = [p for p in series["baseline"] if p[0] >= 1_000_000] or series["baseline"]
        k, kb = growth(points), growth(based)
        limit = 1.0 if what == "nudge" else GROWTH
        rows.append(
            Row(
                f"{label}: {what} growth exponent"
                f" ({points[0][0] / 1e6:g}M to {points[-1][0] / 1e6:g}M)",
                round(k, 2),
                "",
                f"<= {limit:g}",
                round(kb, 2),
                None,
                k <= limit,
            )
        )
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--scales", default="100000,1000000,10000000")
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--measure", choices=("baseline", *MEASURES), help=argparse.SUPPRESS)
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
    print_table("scale: nudges, digests, Home and stats vs SELECT count(*)", rows)
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
