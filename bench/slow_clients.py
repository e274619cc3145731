"""Issue 15, slow and idle clients can't stall the server: `tests/e2e/test_slow_clients.py`
at scale. While a crowd of N idle connections (each sent `POST /slack/events HTTP/1.1` and
nothing more) and N trickling ones (headers, then a byte of body every 0.2 s) stays open,
how long do `/healthz` and a signed `/manual-task` take?

    python -m bench.slow_clients [--connections 1000] [--repeats 1] [--tries 20] [--hold 12]
                                 [--database sqlite|postgresql|sqlite,postgresql]
                                 [--workers 2] [--threads 8] [--server-open-files N]

Two servers, each in its own process group, with the same workers and threads (default
2 x 8) and the same app, database and fake Slack:
- coach: `coach serve` as shipped (gunicorn, uvicorn's event loop in each worker,
  bot/asgi.py in front of the threads);
- gthread: the same `coach serve` with the front end taken out (gunicorn's gthread worker
  class, the WSGI app directly), the set-up the issue found falling over.

Each repeat, on each server: `--tries` probes of `/healthz` and as many signed commands,
alternating, with no crowd; then the crowd (the test's `Loiterers`, 2 x N sockets) comes,
settles for half a second, and the probes run again, spread over at least `--hold`
seconds (12: past bot/asgi.py's 10 s for a body, so the coach's answer to the trickling
half, a 408, falls among them). Each probe is on a new connection and capped at 5 s: one
that takes longer counts as timed out, at 5 s, so the baseline's figures are lower bounds.
The crowd is then surveyed (how many of its sockets the server closed or answered) and
closed, and one `/healthz` tells how soon the server is back.

The target is the test's: with the crowd, no probe takes 1 s or more, and none times out.
SQLite by default; PostgreSQL at `COACH_BENCH_PG_URL` (a scratch database, dropped
afterwards). Raises this process's soft limit on open files to the hard one; the servers
inherit it, or get `--server-open-files` (say 1024, a common default, to see that limit).
Sockets and servers are closed on the way out, Ctrl-C and SIGTERM included.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.ack_servers import fake_slack, server_env, wait_ready
from bench.ack_traffic import Requests
from bench.common import (
    Row,
    free_port,
    median,
    pg_available,
    print_table,
    scratch_pg,
    write_results,
)
from bench.slow_probes import CAP, Crowd, Probes, probe, probe_healthz, probe_slash
from tests.e2e.test_slow_clients import WITHIN

SERVERS = ("coach", "gthread")
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@contextlib.contextmanager
def server(
    kind: str, *, db_url: str, api_url: str, args: argparse.Namespace, logs: Path
) -> Iterator[int]:
    """`coach serve` (kind 'coach') or the same under gthread (kind 'gthread'), in its own
    process group; yields its port. Its stderr goes to `logs` (never a pipe nobody reads:
    a full pipe would stall the server). The whole group is stopped afterwards."""
    port = free_port()
    env = server_env(db_url, api_url)
    serve = ["--host", "127.0.0.1", "--port", str(port), "--no-scheduler"]
    serve += ["--workers", str(args.workers), "--threads", str(args.threads)]
    if kind == "coach":
        cmd = [sys.executable, "-m", "bot.cli", "serve", *serve]
    else:
        cmd = [sys.executable, "-m", "bench.slow_clients", "--serve-gthread", *serve]
    limit = args.server_open_files

    def lower_limit() -> None:  # in the child, before exec: as a service's LimitNOFILE would
        hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        resource.setrlimit(resource.RLIMIT_NOFILE, (limit, hard))

    with open(logs, "ab") as err:
        proc = subprocess.Popen(
            cmd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=True,
            preexec_fn=lower_limit if limit else None,
        )
    try:
        try:
            wait_ready(port, "/readyz", proc)
        except RuntimeError:
            print(logs.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        yield port
    finally:
        _stop_group(proc)


def _stop_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (its arbiter and workers), SIGKILL after 30 s."""
    for sig, wait in ((signal.SIGTERM, 30.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # a worker the arbiter left behind
        os.killpg(proc.pid, signal.SIGKILL)


def serve_gthread(argv: list[str]) -> int:
    """`coach serve` with the front end taken out: gunicorn's gthread workers run the WSGI
    app directly, everything else (settings, migrations, the app, gunicorn's other
    settings) as `coach serve` does it. This is how the server ran before issue 15."""
    import bot.asgi
    import bot.server
    from bot.cli import main as coach

    for module, name in ((bot.server, "worker_class"), (bot.asgi, "asgi_app")):
        if not callable(getattr(module, name, None)):
            raise SystemExit(f"{module.__name__}.{name} is gone: update bench/slow_clients.py")

    def wsgi_as_is(application: Any, **_: Any) -> Any:
        return application

    bot.server.worker_class = lambda: "gthread"  # type: ignore[assignment]
    bot.asgi.asgi_app = wsgi_as_is  # type: ignore[assignment]
    return coach(["serve", *argv])


def run_one(kind: str, port: int, args: argparse.Namespace) -> dict[str, Any]:
    """One repeat on one server: probes with no crowd, the crowd, probes with it."""
    reqs = Requests()
    for _ in range(10):  # warm up: the first reports make the workspace and processes
        probe_healthz(port)
        probe_slash(port, reqs)
    quiet = probe(port, reqs, args.tries)
    began = time.monotonic()
    crowd = Crowd(port, 2 * args.connections)
    try:
        opened = time.monotonic() - began
        time.sleep(0.5)  # let them settle in, as the test does
        began = time.monotonic()
        loaded = probe(port, reqs, args.tries, spread=args.hold)
        held = time.monotonic() - began + 0.5
        survey = crowd.survey()
    finally:
        crowd.close()
    back = probe_healthz(port)
    result = {
        "quiet": quiet,
        "loaded": loaded,
        "crowd_opened_s": round(opened, 3),
        "crowd_held_s": round(held, 1),
        "crowd_after": survey,
        "healthz_after_crowd_left": {"s": round(back[0], 4), "outcome": back[1]},
    }
    h, s = loaded["healthz"], loaded["slash"]
    print(
        f"  {kind}: crowd of {2 * args.connections} opened in {opened:.2f} s; with it "
        f"/healthz median {h.median_ms:.1f} ms, max {h.max_ms:.0f} ms, {h.timeouts} timed out; "
        f"command median {s.median_ms:.1f} ms, max {s.max_ms:.0f} ms, {s.timeouts} timed out; "
        f"crowd afterwards {survey}",
        flush=True,
    )
    return result


def measure(label: str, db_url: str, api_url: str, args: argparse.Namespace, tmp: Path):
    """Every repeat on both servers (one server process each), for one database."""
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in SERVERS}
    for kind in SERVERS:
        print(f"{label}, {kind}:", flush=True)
        with server(
            kind, db_url=db_url, api_url=api_url, args=args, logs=tmp / f"{kind}.log"
        ) as port:
            for _ in range(args.repeats):
                runs[kind].append(run_one(kind, port, args))
    return runs


def _pooled(runs: list[dict[str, Any]], phase: str, what: str) -> tuple[float, float, int, int]:
    """(median of the repeats' medians, max, timeouts, errors), in ms."""
    probes: list[Probes] = [r[phase][what] for r in runs]
    return (
        median([p.median_ms for p in probes]),
        max(p.max_ms for p in probes),
        sum(p.timeouts for p in probes),
        sum(p.errors for p in probes),
    )


def rows_for(label: str, runs: dict[str, list[dict[str, Any]]], args: argparse.Namespace):
    coach, base = runs["coach"], runs["gthread"]
    n = args.tries * args.repeats
    crowd = f"{args.connections:,} idle + {args.connections:,} trickling"
    within = f"< {WITHIN * 1000:,.0f} ms"
    rows: list[Row] = []
    for what, name in (("healthz", "/healthz"), ("slash", "signed command")):
        q_c, _, _, _ = _pooled(coach, "quiet", what)
        q_b, _, _, _ = _pooled(base, "quiet", what)
        m_c, x_c, t_c, e_c = _pooled(coach, "loaded", what)
        m_b, x_b, t_b, e_b = _pooled(base, "loaded", what)
        rows += [
            Row(f"{label}: {name}, median, no crowd", q_c, "ms", "", q_b, q_c / q_b),
            Row(f"{label}: {name}, median, {crowd}", m_c, "ms", within, m_b, m_c / m_b, m_c < 1000),
            Row(f"{label}: {name}, max, {crowd}", x_c, "ms", within, x_b, x_c / x_b, x_c < 1000),
            Row(
                f"{label}: {name}, timed out (5 s) or failed, of {n}",
                f"{t_c} + {e_c}",
                "",
                "0",
                f"{t_b} + {e_b}",
                None,
                t_c + e_c == 0,
            ),
        ]
    closed_c = sum(r["crowd_after"]["closed"] + r["crowd_after"]["answered"] for r in coach)
    closed_b = sum(r["crowd_after"]["closed"] + r["crowd_after"]["answered"] for r in base)
    total = 2 * args.connections * args.repeats
    rows.append(
        Row(
            f"{label}: crowd sockets the server closed or answered, of {total}",
            closed_c,
            "",
            "",
            closed_b,
        )
    )
    return rows


def print_medians(label: str, runs: dict[str, list[dict[str, Any]]]) -> None:
    """Each server's medians side by side, and how many times slower the baseline is (a
    timed-out probe counts as 5 s, so a ratio from timeouts is a lower bound: '>=')."""
    cols = [(phase, what) for phase in ("quiet", "loaded") for what in ("healthz", "slash")]
    head = ["median, ms", "/healthz quiet", "command quiet", "/healthz crowd", "command crowd"]
    lines = [head]
    figures = {}
    for kind in SERVERS:
        figures[kind] = [_pooled(runs[kind], phase, what) for phase, what in cols]
        lines.append(
            [kind] + [f"{m:,.1f}" + (" (cap)" if t else "") for m, _, t, _ in figures[kind]]
        )
    ratios = []
    for (m_c, *_), (m_b, _, t_b, _) in zip(figures["coach"], figures["gthread"], strict=True):
        ratios.append((">= " if t_b else "") + f"{m_b / m_c:,.1f}" if m_c else "")
    lines.append(["gthread / coach", *ratios])
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    print(f"\n== {label}: medians (quiet: no crowd; crowd: with the loiterers)")
    for line in lines:
        print("  ".join(x.ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())


def raise_file_limit(needed: int) -> tuple[int, int]:
    """Raise the soft limit on open files to the hard one; (soft, hard) afterwards."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, needed)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft != resource.RLIM_INFINITY and soft < needed:
        raise SystemExit(
            f"slow_clients: {needed} open files needed, the hard limit is {hard} "
            f"(raise it, or use fewer --connections)"
        )
    return soft, hard


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _plain(value: Any) -> Any:
    """Probes as plain figures, for the JSON."""
    if isinstance(value, Probes):
        d = asdict(value)
        d["took"] = [round(t, 4) for t in value.took]
        return d
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--serve-gthread"]:  # the baseline server, started by `server`
        return serve_gthread(argv[1:])
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--connections", type=int, default=1000, help="idle ones, and as many trickling")
    p.add_argument("--repeats", type=int, default=1)
    p.add_argument("--tries", type=int, default=20, help="probes of each kind, per phase")
    p.add_argument(
        "--database", default="sqlite", help="sqlite, postgresql, or both: sqlite,postgresql"
    )
    p.add_argument(
        "--hold",
        type=float,
        default=12.0,
        help="seconds at least the probes with the crowd last (past the 10 s body timeout)",
    )
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--threads", type=int, default=8)
    p.add_argument(
        "--server-open-files",
        type=int,
        default=0,
        help="the servers' soft limit on open files (default: this process's, raised to the hard)",
    )
    args = p.parse_args(argv)
    databases = [d.strip().lower() for d in args.database.split(",") if d.strip()]
    if not databases or any(d not in DATABASES for d in databases):
        p.error("--database: sqlite, postgresql, or sqlite,postgresql")
    if "postgresql" in databases and not pg_available():
        p.error("PostgreSQL is not answering at COACH_BENCH_PG_URL")
    soft, hard = raise_file_limit(2 * args.connections + 256)
    signal.signal(signal.SIGTERM, _interrupt)
    print(
        f"slow_clients: {2 * args.connections:,} loitering connections "
        f"({args.connections:,} idle, {args.connections:,} trickling); {args.workers} workers x "
        f"{args.threads} threads; {args.tries} probes of each, {args.repeats} repeat(s); "
        f"open files {soft}/{hard}; {os.cpu_count()} CPUs shared with the clients",
        flush=True,
    )
    rows: list[Row] = []
    raw: dict[str, Any] = {}
    medians: dict[str, dict[str, list[dict[str, Any]]]] = {}
    try:
        with fake_slack() as api_url, tempfile.TemporaryDirectory() as tmpdir:
            tmp = Path(tmpdir)
            for db in databases:
                label = DATABASES[db]
                make: Callable[[], contextlib.AbstractContextManager[str]]
                if db == "sqlite":
                    make = lambda: contextlib.nullcontext(f"sqlite:///{tmp}/bench.db")  # noqa: E731
                else:
                    make = lambda: scratch_pg("coach_bench_slow")  # noqa: E731
                with make() as url:
                    runs = measure(label, url, api_url, args, tmp)
                rows += rows_for(label, runs, args)
                medians[label] = runs
                raw[label] = _plain(runs)
    except KeyboardInterrupt:
        print("\nslow_clients: interrupted; servers and sockets closed", file=sys.stderr)
        return 130
    print_table(f"slow_clients: coach serve vs gthread, {2 * args.connections:,} loiterers", rows)
    for label, runs in medians.items():
        print_medians(label, runs)
    write_results(
        "slow_clients",
        rows,
        settings={**vars(args), "cap_s": CAP, "open_files": [soft, hard]},
        raw=raw,
    )
    return 0 if all(r.ok is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
