"""The scheduler's set-up: stable ids, UTC triggers, coalescing, one instance at a time,
a first run right after start (catch-up), and `coach jobs list`."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.jobs import Clients, JobContext
from bot.scheduler import build_scheduler, next_runs
from storage.db import Database


def test_jobs_have_stable_ids_time_zones_and_no_pile_up(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/s.db")
    ctx = JobContext(
        db=Database(settings.database_url), settings=settings, clients=Clients(settings)
    )
    scheduler = build_scheduler(ctx)
    scheduler.start(paused=True)  # defaults are applied when jobs are really added
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert set(jobs) == {"nudges", "digests", "retention", "verify"}
    for job in jobs.values():
        assert job.coalesce is True and job.max_instances == 1
        assert str(job.trigger.timezone) == "UTC"
        assert job.next_run_time is not None  # runs right after start: the catch-up
    assert scheduler.timezone == UTC


def test_next_runs_are_on_the_grid() -> None:
    now = datetime(2026, 11, 23, 14, 3, tzinfo=UTC)
    runs = {name: when for name, _, when in next_runs(now)}
    assert runs["nudges"] == datetime(2026, 11, 23, 14, 10, tzinfo=UTC)
    assert runs["digests"] == datetime(2026, 11, 23, 14, 5, tzinfo=UTC)


def test_coach_jobs_list(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "jobs", "list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "nudges" in done.stdout and "digests" in done.stdout and "next run" in done.stdout
