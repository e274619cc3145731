"""Acknowledgement under load: `/manual-task <text> 45m` over real HTTP through the
production server (gunicorn gthread, as `coach serve` runs it), signature checking on,
against the floor: a bare Bolt app served the same way whose handler only acknowledges.

    python -m bench.ack_load [--workers 2] [--threads 8] [--seconds 8] [--rounds 3]

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
import http.client
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.common import (
    Row,
    free_port,
    median,
    percentile,
    pg_available,
    print_table,
    scratch_pg,
    write_results,
)
from bot.standin.simulator import slack_signature

SECRET = "bench-signing-secret"
TOKEN = "xoxb-T0001"
TEAM = "T0001"
USERS = 50
TITLES = [
    "Reconcile Stripe payouts",
    "Copy leads into the CRM",
    "Restart the staging cluster",
    "Export the weekly invoices",
    "Rotate the on-call schedule",
    "Answer the vendor security questionnaire",
    "Update the pricing spreadsheet",
    "Approve expense reports",
    "Provision a laptop for a new hire",
    "Reset customer passwords",
    "Merge duplicate Salesforce accounts",
    "Clean up stale feature flags",
]
DURATIONS = ["45m", "1h30m", "20 mins", "1.5h", "for 10 minutes", "2h"]
MAX_REQUESTS = 200_000  # a hard bound per phase, whatever the clock says


@dataclass
class Phase:
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0


class Requests:
    """Signed `/manual-task` bodies, each with its own trigger id (so each is a new report)."""

    def __init__(self) -> None:
        self._n = 0
        self._lock = threading.Lock()
        self._run = uuid.uuid4().hex[:8]

    def next(self) -> tuple[bytes, dict[str, str]]:
        with self._lock:
            self._n += 1
            n = self._n
        user = f"U{n % USERS:05d}"
        text = f"{TITLES[n % len(TITLES)]} {DURATIONS[n % len(DURATIONS)]}"
        body = urlencode(
            {
                "token": "bench",
                "team_id": TEAM,
                "team_domain": "acme",
                "channel_id": "C_OPS",
                "channel_name": "ops",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/manual-task",
                "text": text,
                "api_app_id": "A0COACH01",
                "is_enterprise_install": "false",
                "response_url": f"http://127.0.0.1:1/response/{self._run}-{n}",
                "trigger_id": f"{self._run}.{n}.{uuid.uuid4().hex[:12]}",
            }
        ).encode()
        stamp = int(time.time())
        return body, {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": slack_signature(SECRET, stamp, body),
        }


def _send(conn: http.client.HTTPConnection, reqs: Requests) -> bool:
    body, headers = reqs.next()
    conn.request("POST", "/slack/events", body=body, headers=headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status == 200 and (not data or data[:1] in (b"{", b"o"))


def closed_loop(port: int, connections: int, warmup: float, seconds: float) -> Phase:
    """`connections` clients, each sending as soon as its previous answer arrived."""
    reqs, phase, lock = Requests(), Phase(), threading.Lock()
    start = time.monotonic() + warmup
    stop = start + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent = 0
        while sent < MAX_REQUESTS // connections:
            began = time.monotonic()
            if began >= stop:
                break
            try:
                good = _send(conn, reqs)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                good = False
            done = time.monotonic()
            sent += 1
            if began >= start and done <= stop:
                with lock:
                    if good:
                        phase.ok += 1
                        phase.latencies.append(done - began)
                    else:
                        phase.errors += 1
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=warmup + seconds + 60)
    phase.elapsed = seconds
    return phase


def open_loop(port: int, rate: float, seconds: float, senders: int = 32) -> Phase:
    """Requests scheduled at a fixed `rate`; latency counts from the scheduled instant."""
    reqs, phase, lock = Requests(), Phase(), threading.Lock()
    due: queue.Queue[float | None] = queue.Queue()
    total = min(int(rate * seconds), MAX_REQUESTS)

    def sender() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while (when := due.get()) is not None:
            try:
                good = _send(conn, reqs)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                good = False
            latency = time.monotonic() - when
            with lock:
                if good:
                    phase.ok += 1
                    phase.latencies.append(latency)
                else:
                    phase.errors += 1
        conn.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    t0 = time.monotonic() + 0.2
    for i in range(total):
        when = t0 + i / rate
        pause = when - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        due.put(when)
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join(timeout=60)
    phase.elapsed = time.monotonic() - t0
    return phase


@contextmanager
def fake_slack() -> Iterator[str]:
    """A FakeSlack in a subprocess; yields its Web API URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.standin_server", "--users", str(USERS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        yield f"http://127.0.0.1:{line[1]}/api/"
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=10)


def _wait_ready(port: int, path: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


@contextmanager
def server(kind: str, *, db_url: str, api_url: str, workers: int, threads: int) -> Iterator[int]:
    """`coach serve` (kind 'coach') or the bare floor app, as a subprocess; yields its port."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "COACH_SCHEDULER": "off",
        "COACH_LOG_LEVEL": "WARNING",
    }
    common = ["--port", str(port), "--workers", str(workers), "--threads", str(threads)]
    if kind == "coach":
        cmd = [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--no-scheduler"]
    elif kind == "strict":
        cmd = [sys.executable, "-m", "bench.floor_app", "--process-before-response"]
    else:
        cmd = [sys.executable, "-m", "bench.floor_app"]
    proc = subprocess.Popen(
        cmd + common, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait_ready(port, "/readyz", proc)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


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


def rows_for(
    label: str, coach: Result, floor: Result, rate: float, strict: Result | None = None
) -> list[Row]:
    ratio = coach.rps / floor.rps if floor.rps else 0.0
    p99_fixed = percentile(coach.fixed.latencies, 99) * 1000
    floor_fixed = percentile(floor.fixed.latencies, 99) * 1000
    return [
        Row(
            f"{label}: throughput",
            round(coach.rps, 1),
            "req/s",
            ">= 0.6 x floor (aim 0.8)",
            round(floor.rps, 1),
            round(ratio, 3),
            ratio >= 0.6,
        ),
        *(
            [
                Row(
                    f"{label}: throughput vs strict floor",
                    round(coach.rps, 1),
                    "req/s",
                    "(informative)",
                    round(strict.rps, 1),
                    round(coach.rps / strict.rps, 3) if strict.rps else None,
                )
            ]
            if strict is not None
            else []
        ),
        Row(
            f"{label}: p50 closed loop",
            round(coach.lat(50), 1),
            "ms",
            "",
            round(floor.lat(50), 1),
            round(coach.lat(50) / floor.lat(50), 2) if floor.lat(50) else None,
        ),
        Row(
            f"{label}: p99 closed loop",
            round(coach.lat(99), 1),
            "ms",
            "",
            round(floor.lat(99), 1),
            round(coach.lat(99) / floor.lat(99), 2) if floor.lat(99) else None,
        ),
        Row(
            f"{label}: p99 at {rate:.0f} rps",
            round(p99_fixed, 1),
            "ms",
            "< 100 ms",
            round(floor_fixed, 1),
            round(p99_fixed / floor_fixed, 2) if floor_fixed else None,
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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--seconds", type=float, default=8.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--rate", type=float, default=100.0)
    p.add_argument("--no-postgres", action="store_true")
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
            rows += rows_for(label, res, floor, args.rate, strict)
            raw[label] = {"rounds_rps": [round(r.rps, 1) for r in res.rounds]}
        raw["floor"] = {"rounds_rps": [round(r.rps, 1) for r in floor.rounds]}
        if strict is not None:
            raw["strict_floor"] = {"rounds_rps": [round(r.rps, 1) for r in strict.rounds]}
    print_table("ack_load: /manual-task acknowledgement vs the bare Bolt floor", rows)
    write_results("ack_load", rows, settings=vars(args), raw=raw)
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
