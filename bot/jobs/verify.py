"""The `verify` job: a retired process not done by hand for 8 weeks since its retirement
is marked verified, in its history (bot/domain/elimination.py `verified_due`). The
headline can then say how much of the eliminated total is verified.

Several replicas may run it at the same moment. Each process is verified in one
transaction that locks its row, checks again, claims `verified:<team>:<id>:<retired at>`
(storage/claims.py) and writes the event with the claim: a second runner waits on the
lock or the claim's key, then finds it done. A process retired again is verified afresh,
under the key of its new retirement. With nothing due it reads one empty index range.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.elimination import VERIFY_AFTER, verified_due
from bot.domain.states import Event, Status
from bot.jobs.context import JobContext
from storage import claims, eliminated, history
from storage.models import Process

BATCH = 200
KIND = "verified"


def run_verify(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Mark verified what is due at `now`; how many were, and how many another runner
    had taken."""
    figures = {"verified": 0, "claimed_elsewhere": 0}
    with ctx.db.transaction() as session:
        due = eliminated.due_for_verification(
            session, retired_before=now - VERIFY_AFTER, limit=BATCH
        )
    for process_id in due:
        with ctx.db.transaction() as session:
            done = verify_one(session, process_id=process_id, now=now, ctx=ctx)
        figures["verified" if done else "claimed_elsewhere"] += 1
    return figures


def verify_one(session: Session, *, process_id: int, now: datetime, ctx: JobContext) -> bool:
    """Verify one process if it still is due (locked, read again); False when it isn't
    or another runner has it."""
    process = session.get(Process, process_id, with_for_update=True, populate_existing=True)
    if process is None or process.status != Status.RETIRED or process.verified_at is not None:
        return False
    retired_at = process.retired_at
    if retired_at is None:
        return False
    last = eliminated.last_report_at(session, process_id=process.id)
    if not verified_due(retired_at, now=now, last_report_at=last):
        return False
    key = f"{KIND}:{process.team_id}:{process.id}:{retired_at.isoformat()}"
    if not claims.claim(
        session,
        key=key,
        team_id=process.team_id,
        kind=KIND,
        worker=ctx.worker,
        now=now,
        timeout=ctx.claim_timeout,
    ):
        return False
    at = retired_at + VERIFY_AFTER  # when it became true, whenever the job ran
    process.verified_at = at
    history.record(
        session,
        process=process,
        kind=Event.VERIFIED,
        actor_id=None,
        at=at,
        minutes_per_week=process.eliminated_minutes_per_week,
    )
    claims.mark_sent(session, key=key, worker=ctx.worker, now=now)
    return True
