"""Acknowledgement under load: `/manual-task <text> 45m` over real HTTP through the
production server (gunicorn with uvicorn's event loop in front of each worker's threads,
as `coach serve` runs it), signature checking on,
against the floor: a bare Bolt app served the same way whose handler only acknowledges.

    python -m bench.ack_load [--workers 2] [--threads 8] [--connections 16] [--seconds 8]
                             [--rounds 3] [--no-postgres] [--no-strict] [--no-storing]

Three baselines, each served the same way: the storing app a person might write in an
afternoon (`../shared/baselines/storing_app.py`, unchanged, on SQLite: issue 17's target
is 1.2 x its throughput), and the two floors below.

A second, stricter floor is measured too: the same bare app in Bolt's
process-before-response mode, which is how the coach serves slash commands, so without
Bolt's 10 ms acknowledgement poll. The target is against the first; the ratio to the
second says how much of the remaining work is the coach's own.

Closed loop: `--connections` keep-alive clients send back to back for `--seconds`, after a
warm-up; repeated `--rounds` times, alternating floor and coach; the median round counts.
Open loop: requests at a fixed 100 per second for `--seconds`, latency measured from each
request's scheduled time (no coordinated omission). Runs on SQLite and, when it answers,
PostgreSQL (a scratch database, dropped afterwards). Bounded in count and time.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from dataclasses import dataclass

from bench.ack_servers import fake_slack, server
from bench.ack_traffic import Phase, closed_loop, open_loop
from bench.common import (
    Row,
    median,
    percentile,
    pg_available,
    print_table,
    scratch_pg,
    write_results,
)


@dataclass
class Result:
    name: str
    rounds: list[Phase]
    fixed: Phase

    @property
    def rps(self) -> float:
        return median([p.rps for p in self.rounds])

    def lat(self, q: float) -> float:
        return median([percentile(p.latencies, q) for p in self.rounds]) * 1000

    @property
    def errors(self) -> int:
        return sum(p.errors for p in self.rounds) + self.fixed.errors


def measure(
    kind: str, db_url: str, api_url: str, args: argparse.Namespace, label: str = ""
) -> Result:
    name = f"{kind} {label}".strip()
    with server(
        kind, db_url=db_url, api_url=api_url, workers=args.workers, threads=args.threads
    ) as port:
        rounds = []
        for i in range(args.rounds):
            phase = closed_loop(
                port, args.connections, args.warmup if i == 0 else 1.0, args.seconds
            )
            rounds.append(phase)
            print(
                f"  {name:<17} round {i + 1}: {phase.rps:7.1f} req/s  p50 "
                f"{percentile(phase.latencies, 50) * 1000:6.1f} ms  p99 "
                f"{percentile(phase.latencies, 99) * 1000:6.1f} ms  errors {phase.errors}",
                flush=True,
            )
        fixed = open_loop(port, args.rate, args.seconds)
        print(
            f"  {name:<17} {args.rate:.0f} rps open loop: p50 "
            f"{percentile(fixed.latencies, 50) * 1000:.1f} ms  p99 "
            f"{percentile(fixed.latencies, 99) * 1000:.1f} ms  errors {fixed.errors}",
            flush=True,
        )
    return Result(kind, rounds, fixed)


def _ratio(a: float, b: float, digits: int = 2) -> float | None:
    return round(a / b, digits) if b else None


def rows_for(
    label: str,
    coach: Result,
    floor: Result,
    rate: float,
    strict: Result | None = None,
    storing: Result | None = None,
) -> list[Row]:
    """The coach on one database against each baseline measured in the same run: the
    storing app and the strict floor hold issue 17's targets; the default-mode floor
    issue 12's."""
    rows: list[Row] = []
    if storing is not None:
        rows.append(
            Row(
                f"{label}: throughput vs storing app",
                round(coach.rps, 1),
                "req/s",
                ">= 1.2 x storing",
                round(storing.rps, 1),
                _ratio(coach.rps, storing.rps, 3),
                storing.rps > 0 and coach.rps >= 1.2 * storing.rps,
            )
        )
    if strict is not None:
        rows += [
            Row(
                f"{label}: p99 closed loop vs strict floor",
                round(coach.lat(99), 1),
                "ms",
                "<= 2 x strict",
                round(strict.lat(99), 1),
                _ratio(coach.lat(99), strict.lat(99)),
                coach.lat(99) <= 2 * strict.lat(99),
            ),
            Row(
                f"{label}: throughput vs strict floor",
                round(coach.rps, 1),
                "req/s",
                "(informative)",
                round(strict.rps, 1),
                _ratio(coach.rps, strict.rps, 3),
            ),
        ]
    if storing is not None:
        rows.append(
            Row(
                f"{label}: p99 closed loop vs storing app",
                round(coach.lat(99), 1),
                "ms",
                "(informative)",
                round(storing.lat(99), 1),
                _ratio(coach.lat(99), storing.lat(99)),
            )
        )
    ratio = coach.rps / floor.rps if floor.rps else 0.0
    p99_fixed = percentile(coach.fixed.latencies, 99) * 1000
    floor_fixed = percentile(floor.fixed.latencies, 99) * 1000
    rows += [
        Row(
            f"{label}: throughput vs default-mode floor",
            round(coach.rps, 1),
            "req/s",
            ">= 0.6 x floor (aim 0.8)",
            round(floor.rps, 1),
            round(ratio, 3),
            ratio >= 0.6,
        ),
        Row(
            f"{label}: p50 closed loop",
            round(coach.lat(50), 1),
            "ms",
            "",
            round(floor.lat(50), 1),
            _ratio(coach.lat(50), floor.lat(50)),
        ),
        Row(
            f"{label}: p99 at {rate:.0f} rps",
            round(p99_fixed, 1),
            "ms",
            "< 100 ms",
            round(floor_fixed, 1),
            _ratio(p99_fixed, floor_fixed),
            p99_fixed < 100,
        ),
        Row(
            f"{label}: failed requests",
            coach.errors,
            "",
            "0",
            floor.errors,
            None,
            coach.errors == 0,
        ),
    ]
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--no-postgres", action="store_true")
    p.add_argument(
        "--no-storing",
        action="store_true",
        help="skip the storing baseline (../shared/baselines/storing_app.py)",
    )
    p.add_argument(
        "--no-strict",
        action="store_true",
        help="skip the stricter floor (bare Bolt in process-before-response mode)",
    )
    args = p.parse_args()
    print(
        f"ack_load: {args.workers} gunicorn workers x {args.threads} threads, "
        f"{args.connections} closed-loop connections, {args.rounds} x {args.seconds:.0f} s rounds, "
        f"open loop at {args.rate:.0f} rps; {os.cpu_count()} CPUs shared with the load generator"
    )
    rows: list[Row] = []
    raw: dict[str, object] = {}
    with fake_slack() as api_url, tempfile.TemporaryDirectory() as tmp:
        sqlite_url = f"sqlite:///{tmp}/bench.db"
        floor = measure("floor", sqlite_url, api_url, args)
        strict = None if args.no_strict else measure("strict", sqlite_url, api_url, args)
        storing = None
        if not args.no_storing:
            storing = measure("storing", f"sqlite:///{tmp}/storing.db", api_url, args)
        targets = [("SQLite", sqlite_url, None)]
        use_pg = not args.no_postgres and pg_available()
        if not use_pg:
            print("PostgreSQL is not answering: SQLite only")
        results = {}
        for label, url, _ in targets:
            results[label] = measure("coach", url, api_url, args, label)
        if use_pg:
            with scratch_pg("coach_bench_ack") as pg_url:
                results["PostgreSQL"] = measure("coach", pg_url, api_url, args, "PostgreSQL")
        for label, res in results.items():
            rows += rows_for(label, res, floor, args.rate, strict, storing)
            raw[label] = {"rounds_rps": [round(r.rps, 1) for r in res.rounds]}
        raw["floor"] = {"rounds_rps": [round(r.rps, 1) for r in floor.rounds]}
        if storing is not None:
            raw["storing_app"] = {"rounds_rps": [round(r.rps, 1) for r in storing.rounds]}
        if strict is not None:
            raw["strict_floor"] = {"rounds_rps": [round(r.rps, 1) for r in strict.rounds]}
    print_table("ack_load: /manual-task acknowledgement vs the storing app and the floors", rows)
    write_results("ack_load", rows, settings=vars(args), raw=raw)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
