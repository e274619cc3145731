"""What operators see: Prometheus metrics, served on their own port and never beside
`/slack/events` (`COACH_METRICS_PORT`, on `COACH_METRICS_HOST`, loopback by default).

- `coach_reports_total{outcome, source}`: reports stored (once their transaction
  commits), `duplicate` (a Slack retry of one already stored) and `refused` (a bad
  title, a limit);
- `coach_slack_calls_total{method, outcome}`: every Web API call, `ok` or Slack's error
  (`not_in_channel`, `ratelimited` once the retries ran out, `timeout`, `connection`);
  messages sent and failed are its `chat.postMessage` rows;
- `coach_slack_rate_limited_total{method}` (each 429) and
  `coach_slack_retries_total{method, reason}` (each retry made);
- `coach_job_runs_total{job, outcome}` (`ok`, `failed`, `overran`) and
  `coach_job_duration_seconds{job}`;
- `coach_claims_taken_over_total{kind}`: scheduled work a replica took over from one
  that claimed it and never finished.

Under `coach serve` each gunicorn worker writes its figures to a directory and the
master serves their sum (prometheus_client's multi-process mode: `use_directory` before
the workers fork); `coach socket` and `coach scheduler` serve their own.

    use_directory(tmp)                  # coach serve, before forking
    serve_metrics("127.0.0.1", 9464)    # in the process that answers scrapes
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    multiprocess,
    start_http_server,
    values,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

# Every metric has labels: a child's value is made when first used, so `use_directory`
# (called before any is) puts them all in multi-process mode.
REPORTS = Counter(
    "coach_reports", "Reports of manual work by outcome and source", ["outcome", "source"]
)
SLACK_CALLS = Counter(
    "coach_slack_calls", "Slack Web API calls by method and outcome", ["method", "outcome"]
)
SLACK_RATE_LIMITED = Counter("coach_slack_rate_limited", "429 answers from Slack", ["method"])
SLACK_RETRIES = Counter(
    "coach_slack_retries", "Retries of Slack Web API calls by reason", ["method", "reason"]
)
JOB_RUNS = Counter("coach_job_runs", "Scheduled job runs by outcome", ["job", "outcome"])
JOB_SECONDS = Histogram(
    "coach_job_duration_seconds",
    "How long each scheduled job run took",
    ["job"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 240),
)
CLAIMS_TAKEN_OVER = Counter(
    "coach_claims_taken_over", "Claims of scheduled work taken over from a replica", ["kind"]
)


def use_directory(path: str) -> None:
    """Multi-process mode from now on: each process writes its figures under `path` (an
    empty directory), which `serve_metrics(..., multiprocess=True)` sums."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    values.ValueClass = values.get_value_class()


def serve_metrics(host: str, port: int, *, many: bool = False) -> Any:
    """Answer scrapes on http://host:port/metrics (any path) from a background thread:
    this process's figures, or with `many` the sum of every process's."""
    registry = REGISTRY
    if many:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    server, _thread = start_http_server(port, addr=host, registry=registry)
    log.info("Metrics on http://%s:%s/metrics", host, port)
    return server


def process_gone(pid: int) -> None:
    """A worker exited: its live gauges go (its counters stay in the sum)."""
    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


_PENDING = "coach.metrics.on_commit"  # [transaction, count] pairs waiting for a commit


def on_commit(session: Session, count: Callable[[], None]) -> None:
    """Call `count` once what `session` is doing now is committed for good, never when it
    is rolled back: called inside a savepoint (`begin_nested`), once the savepoint is
    released *and* the transaction around it commits. Kept in the session's `info` for
    the two listeners below (a listener made per report cost more than the count)."""
    owner = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append([owner, count])


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    released = session.get_nested_transaction()
    if released is not None:  # a savepoint released: its counts wait for the one around it
        for pending in session.info.get(_PENDING, ()):
            if pending[0] is released:
                pending[0] = released.parent
        return
    for _owner, count in session.info.pop(_PENDING, ()):
        count()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is None:  # the whole transaction: nothing counts
        session.info.pop(_PENDING, None)
    elif previous_transaction.nested:  # a savepoint: what was counted inside it goes
        session.info[_PENDING] = [
            p for p in session.info.get(_PENDING, ()) if p[0] is not previous_transaction
        ]


def report(outcome: str, source: str) -> None:
    REPORTS.labels(outcome=outcome, source=source).inc()
