"""Time budgets for Slack calls and for job runs.

What was found before, each reproduced here: Slack calls had a 15 s timeout and up to 8
retries that each waited out Retry-After, so one call on a request's path could take
minutes; and a job that never returned held its one slot (`max_instances=1`), so every
later run of it was skipped. Now a call gives up within its budget, retries included, and
a run past its budget frees its slot for the next.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES
from slack_sdk.errors import SlackApiError
from sqlalchemy import make_url

from bot.clock import ManualClock
from bot.config import Settings
from bot.jobs import Clients, JobContext
from bot.scheduler import build_scheduler, run_job
from bot.slack import JOB_BUDGET, REQUEST_BUDGET, make_client
from bot.standin.fakeslack import FakeSlack
from storage.db import Database
from tests.conftest import PG_URL, SECRET, Coach
from tests.e2e.support import wait_for
from tests.tcp_proxy import TcpProxy, through

MONDAY_9_BERLIN = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


# --------------------------------------------------------------------------- Slack calls


def timed(call: Any) -> tuple[Any, float]:
    began = time.monotonic()
    try:
        return call(), time.monotonic() - began
    except Exception as err:
        return err, time.monotonic() - began


def test_a_slash_command_answers_in_time_when_slack_rate_limits_it(coach: Coach) -> None:
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile payouts 45m").ok
    coach.fake.fail("users.info", status=429, retry_after=30)  # Cam's admin rights: ask Slack

    reply = coach.sim.slash("U_CAM", "C_OPS", "assign P1 <@U_BEN>")

    assert reply.ok and reply.elapsed < 3.0, reply.elapsed  # not Retry-After's 30 s
    assert reply.json is not None and reply.json["text"]
    cams = [c.failed for c in coach.fake.calls_to("users.info") if c.body.get("user") == "U_CAM"]
    assert cams == ["429"]  # no retry


def test_who_is_asking_is_looked_up_outside_any_write(coach: Coach) -> None:
    """Before, `users.info` ran inside the request's transaction: with it answering 429
    (Retry-After 5), `own P1` took 11 s, and so did someone else's unrelated report, which
    waited for SQLite's writer. Now the lookup happens before any transaction, within its
    own short budget, and the report doesn't wait for it."""
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile payouts 45m").ok
    assert coach.sim.slash("U_BEN", "C_OPS", "Rotate the VPN keys 15m").ok  # Ben is known
    coach.fake.fail("users.info", status=429, retry_after=5, times=50)
    answers: dict[str, Any] = {}
    cam = threading.Thread(
        target=lambda: answers.update(cam=coach.sim.slash("U_CAM", "C_OPS", "own P1"))
    )
    cam.start()
    time.sleep(0.05)  # Cam's lookup is under way
    ben = coach.sim.slash("U_BEN", "C_OPS", "Rotate the VPN keys 15m")
    cam.join(timeout=10)
    assert ben.ok and ben.elapsed < 1.0, ben.elapsed
    assert answers["cam"].ok and answers["cam"].elapsed < 3.0, answers["cam"].elapsed


def test_a_slash_command_answers_in_time_when_slack_does_not(coach: Coach) -> None:
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile payouts 45m").ok
    coach.fake.delay("users.info", 4.0)

    reply = coach.sim.slash("U_CAM", "C_OPS", "assign P1 <@U_BEN>")

    assert reply.ok and reply.elapsed < 3.0, reply.elapsed
    assert reply.json is not None and reply.json["text"]


@pytest.fixture
def settings(fake: FakeSlack) -> Settings:
    return Settings(
        slack_bot_token="xoxb-T0001", slack_signing_secret=SECRET, slack_api_url=fake.api_url
    )


def test_a_call_gives_up_when_retry_after_would_pass_its_budget(
    fake: FakeSlack, settings: Settings
) -> None:
    client = make_client(settings)
    fake.fail("chat.postMessage", status=429, retry_after=30)

    err, took = timed(lambda: client.chat_postMessage(channel="C_OPS", text="hi"))

    assert isinstance(err, SlackApiError) and err.response.status_code == 429
    assert took < 1.0 and len(fake.calls_to("chat.postMessage")) == 1


def test_a_retry_that_fits_the_budget_is_still_made(fake: FakeSlack, settings: Settings) -> None:
    client = make_client(settings)
    fake.fail("chat.postMessage", status=429, retry_after=1)

    answer, took = timed(lambda: client.chat_postMessage(channel="C_OPS", text="hi"))

    assert not isinstance(answer, Exception) and answer["ok"]
    assert took < REQUEST_BUDGET.total
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == ["429", None]


def test_retries_stop_before_the_call_passes_its_budget(
    fake: FakeSlack, settings: Settings
) -> None:
    client = make_client(settings)
    fake.fail("chat.postMessage", status=429, retry_after=5, times=8)

    err, took = timed(lambda: client.chat_postMessage(channel="C_OPS", text="hi"))

    assert isinstance(err, SlackApiError) and took < REQUEST_BUDGET.total
    assert len(fake.calls_to("chat.postMessage")) == 2  # one retry fitted, the next did not


def test_an_attempt_ends_after_its_budget_and_jobs_wait_longer(
    fake: FakeSlack, settings: Settings
) -> None:
    request, job = make_client(settings), make_client(settings, budget=JOB_BUDGET)
    fake.delay("auth.test", 2.5, times=2)

    err, took = timed(request.auth_test)
    assert isinstance(err, TimeoutError) and took < REQUEST_BUDGET.attempt + 0.4
    answer, took = timed(job.auth_test)
    assert not isinstance(answer, Exception) and answer["ok"] and took >= 2.5


# --------------------------------------------------------------------------- job runs


class Runs:
    """What the scheduler reports about one job: each run's end, and skipped runs."""

    def __init__(self, scheduler: Any, job_id: str) -> None:
        self.ended: list[float] = []
        self.skipped = 0
        self.scheduler, self.job_id = scheduler, job_id
        scheduler.add_listener(
            self._heard, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES
        )

    def _heard(self, event: Any) -> None:
        if event.job_id != self.job_id:
            return
        if event.code == EVENT_JOB_MAX_INSTANCES:
            self.skipped += 1
        else:
            self.ended.append(time.monotonic())

    def fire(self) -> float:
        """Run the job now; returns when it was asked to."""
        asked = time.monotonic()
        self.scheduler.modify_job(self.job_id, next_run_time=datetime.now(UTC))
        return asked


@pytest.fixture
def scheduled() -> Iterator[list[Any]]:
    started: list[Any] = []
    yield started
    for scheduler in started:
        scheduler.shutdown(wait=False)


def start(ctx: JobContext, clock: ManualClock, started: list[Any]) -> Runs:
    """The real scheduler (APScheduler, `build_scheduler`) on `ctx`, no catch-up run."""
    scheduler = build_scheduler(ctx, clock=clock, start_now=False)
    scheduler.start()
    started.append(scheduler)
    return Runs(scheduler, "digests")


def budgeted(settings: Settings, db: Database, seconds: int) -> JobContext:
    """The job context `coach serve` builds (`start_scheduler`), with a budget of `seconds`."""
    settings = dataclasses.replace(settings, job_timeout_seconds=seconds)
    return JobContext(db=db, settings=settings, clients=Clients(settings))


def test_a_run_held_up_by_slack_frees_its_slot_and_sends_once(
    coach: Coach, scheduled: list[Any]
) -> None:
    assert coach.sim.slash("U_ANA", "C_FIN", "digest here weekly mon 09:00 Europe/Berlin").ok
    assert coach.sim.slash("U_ANA", "C_FIN", "Reconcile Stripe payouts 45m").ok
    coach.clock.set(MONDAY_9_BERLIN)
    coach.fake.delay("chat.postMessage", 3.0)  # the digest's post hangs for 3 s
    runs = start(budgeted(coach.settings, coach.db, 1), coach.clock, scheduled)

    asked = runs.fire()
    wait_for(lambda: runs.ended, timeout=5)
    assert runs.ended[0] - asked < 2.0  # its 1 s budget, not the 3 s Slack took
    runs.fire()  # the next run is not blocked by the one still sending
    wait_for(lambda: len(runs.ended) == 2, timeout=5)
    assert runs.skipped == 0

    def digests() -> list[Any]:
        return [m for m in coach.fake.messages_in("C_FIN") if "Manual work digest" in m.text]

    wait_for(digests, timeout=10)
    wait_for(lambda: not [t for t in threading.enumerate() if t.name == "coach-job-digests"])
    assert len(digests()) == 1  # the first run finished in the background; once


@pytest.mark.postgres
def test_a_run_against_a_hung_database_ends_in_time_and_the_next_runs(
    settings: Settings, clock: ManualClock, scheduled: list[Any], pg_database: str
) -> None:
    url = make_url(PG_URL)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        db = Database(through(proxy, pg_database))
        try:
            ctx = budgeted(settings, db, 2)
            runs = start(ctx, clock, scheduled)
            proxy.mode = "blackhole"
            for n in (1, 2):
                asked = runs.fire()
                wait_for(lambda n=n: len(runs.ended) == n, timeout=5)  # type: ignore[misc]
                assert runs.ended[-1] - asked < 3.0  # within its 2 s budget, not never
            assert runs.skipped == 0
            proxy.mode = "forward"
            assert run_job("digests", ctx, clock.now())["failed"] == 0  # and it works again
        finally:
            proxy.mode = "forward"
            db.dispose()
