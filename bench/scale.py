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
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bench.common import Row, median, pg_available, print_table, scratch_pg, write_results
from bench.scale_data import CHANNELS, OWNERS, PROCESSES, load_occurrences, seed_base
from bench.scale_measure import in_subprocess, measure
from storage.db import Database

TARGETS = {"digest": 2.0, "nudge": 10.0, "memory_mb": 300.0}


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
