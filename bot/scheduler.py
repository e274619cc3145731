"""APScheduler inside the bot: stable job ids, UTC, coalescing, one instance at a time.

Every job also runs once right after start: a run that fell due while the bot was down
happens once, not once per missed slot (jobs decide from the database what is due).

Each run has a time budget (`COACH_JOB_TIMEOUT`), so a run that hangs cannot hold the one
slot (`max_instances=1`) and block every later run: see `run_job`.
"""

from __future__ import annotations

import atexit
import dataclasses
import logging
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.jobs import Clients, JobContext, job_clients, registry
from storage.db import Database

log = logging.getLogger(__name__)
# How often each job runs, in minutes (UTC); each is cheap when nothing is due.
EVERY_MINUTES = {"nudges": 10, "digests": 5, "retention": 60, "verify": 60}
# The deadline of each transaction of a job (one claim, one scan), within its run's budget.
JOB_TRANSACTION_TIMEOUT = 30.0


class JobOverran(TimeoutError):
    """A run passed its budget. It goes on in the background (each of its transactions
    and Slack calls has its own deadline, so it ends), and frees its slot meanwhile."""


def trigger(name: str) -> CronTrigger:
    every = EVERY_MINUTES.get(name, 10)
    return CronTrigger(minute="0" if every == 60 else f"*/{every}", timezone=UTC)


def next_runs(now: datetime) -> list[tuple[str, str, datetime]]:
    """(job, how often, next run) for `coach jobs list`."""
    return [
        (
            name,
            f"every {EVERY_MINUTES.get(name, 10)} minutes",
            trigger(name).get_next_fire_time(None, now),
        )
        for name in registry()
    ]


def run_job(name: str, ctx: JobContext, now: datetime) -> dict[str, int]:
    """Run job `name` as if the clock read `now`; its figures. Past the run's budget
    (`settings.job_timeout_seconds`) raise `JobOverran` rather than wait: a run that
    hangs never blocks the next. Overlapping runs are safe: every unit of work is
    claimed in the database, as between replicas."""
    jobs = registry()
    if name not in jobs:
        raise KeyError(name)
    budget = ctx.settings.job_timeout_seconds
    ctx = dataclasses.replace(ctx, db=ctx.db.with_timeout(min(JOB_TRANSACTION_TIMEOUT, budget)))
    done: Future[dict[str, int]] = Future()

    def run() -> None:
        try:
            done.set_result(jobs[name](ctx, now))
        except Exception as err:
            done.set_exception(err)

    started = time.monotonic()
    threading.Thread(target=run, name=f"coach-job-{name}", daemon=True).start()
    try:
        figures = done.result(timeout=budget)
    except FutureTimeout:
        metrics.JOB_RUNS.labels(job=name, outcome="overran").inc()
        raise JobOverran(f"job {name} ran past its {budget} s budget") from None
    except Exception:
        metrics.JOB_RUNS.labels(job=name, outcome="failed").inc()
        raise
    finally:
        metrics.JOB_SECONDS.labels(job=name).observe(time.monotonic() - started)
    metrics.JOB_RUNS.labels(job=name, outcome="ok").inc()
    log.info("job %s at %s: %s", name, now.isoformat(), figures)
    return figures


def build_scheduler(
    ctx: JobContext, *, clock: Clock | None = None, start_now: bool = True
) -> BackgroundScheduler:
    clock = clock or SystemClock()
    scheduler = BackgroundScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    first = datetime.now(UTC) + timedelta(seconds=5) if start_now else None
    for name in registry():
        scheduler.add_job(
            _safe_run,
            trigger(name),
            args=[name, ctx, clock],
            id=name,
            name=name,
            replace_existing=True,
            next_run_time=first,
        )
    return scheduler


def _stop(scheduler: BackgroundScheduler) -> None:
    """On exit: let a running job finish its current message, start no other."""
    if scheduler.running:
        scheduler.shutdown(wait=True)


def _safe_run(name: str, ctx: JobContext, clock: Clock) -> None:
    try:
        run_job(name, ctx, clock.now())
    except JobOverran as err:
        log.error("%s; it finishes in the background, and the next run starts on time", err)
    except Exception:
        log.exception("job %s failed; it runs again at its next slot", name)


def start_scheduler(
    settings: Settings, *, db: Database, clients: Clients | None = None, clock: Clock | None = None
) -> Any:
    """Run the jobs in the background with the entry point's clients (by default the
    ones `job_clients` builds from the settings)."""
    ctx = JobContext(db=db, settings=settings, clients=clients or job_clients(settings, db))
    scheduler = build_scheduler(ctx, clock=clock)
    scheduler.start()
    atexit.register(_stop, scheduler)
    log.info("Scheduler started: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    return scheduler
