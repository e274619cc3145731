"""Scheduled jobs. Each is `run(ctx, now) -> dict of figures`; it never reads the clock,
and claims every unit of work in the database so that replicas never double-send."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.jobs.context import Clients, JobContext, job_clients
from bot.jobs.digests import run_digests
from bot.jobs.nudges import run_nudges
from bot.jobs.retention import run_retention
from bot.jobs.verify import run_verify

__all__ = ["Clients", "Job", "JobContext", "job_clients", "registry"]

Job = Callable[[JobContext, datetime], dict[str, int]]


def registry() -> dict[str, Job]:
    """Every job by its stable name."""
    return {
        "nudges": run_nudges,
        "digests": run_digests,
        "retention": run_retention,
        "verify": run_verify,
    }
