"""The console's clock: show it, move it forward, and run the scheduled jobs every hour
on the way so that nudges and digests fall due as they would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.console import typed as c
from bot.console.answers import Ask
from bot.console.session import Playground
from bot.console.typed import ConsoleInputError
from bot.jobs import registry
from bot.scheduler import run_job
from storage.models import Occurrence

STEP = timedelta(hours=1)


def describe_time(session: Playground, when: datetime) -> str:
    """``Mon 30 Nov 2026 14:00 UTC · 09:00 for @you (America/New_York)``."""
    utc = when.astimezone(UTC)
    local = when.astimezone(session.tz())
    return (
        f"{utc:%a %d %b %Y %H:%M} UTC · {local:%a %H:%M} for @{session.user.name} "
        f"({session.user.tz})"
    )


def clock_show(session: Playground, cmd: c.ClockShow, ask: Ask | None) -> None:
    session.printer.note("it is " + describe_time(session, session.clock.now()))


def clock_by(session: Playground, cmd: c.ClockBy, ask: Ask | None) -> None:
    advance(session, session.clock.now() + cmd.delta)


def clock_to(session: Playground, cmd: c.ClockTo, ask: Ask | None) -> None:
    now = session.clock.now()
    target = cmd.resolve(now, session.tz())
    if target <= now:
        raise ConsoleInputError(
            "The clock only moves forward; it is " + describe_time(session, now)
        )
    if target - now > timedelta(days=400):
        raise ConsoleInputError("That is more than a year ahead: move in smaller steps")
    advance(session, target)


def clock_start(session: Playground, cmd: c.ClockStart, ask: Ask | None) -> None:
    """Start a fresh console's clock at a fixed time, so a script prints the same dates on
    any day; refused once anything is recorded (the data would be out of order)."""
    assert session.db is not None
    with session.db.transaction() as s:
        reported = s.scalar(select(func.count()).select_from(Occurrence)) or 0
    if reported or session.messages:
        raise ConsoleInputError(
            "The clock can only start over before anything happens: use coach console --fresh"
        )
    session.clock.set(datetime.combine(cmd.day, cmd.at, tzinfo=session.tz()))
    session.printer.note("the clock starts at " + describe_time(session, session.clock.now()))


def steps(start: datetime, end: datetime) -> list[datetime]:
    """Every whole hour after ``start`` up to ``end``, then ``end`` itself."""
    out: list[datetime] = []
    at = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0) + STEP
    while at < end:
        out.append(at)
        at += STEP
    out.append(end.astimezone(UTC))
    return out


def advance(session: Playground, target: datetime) -> None:
    """Move the clock to ``target``, running every job at each step on the way and showing
    what they send, under the time they sent it."""
    jobs = sorted(registry())
    session.printer.note(
        f"moving the clock to {describe_time(session, target)}; running {', '.join(jobs)} "
        "every hour on the way"
    )
    try:
        for at in steps(session.clock.now(), target):
            session.clock.set(at)
            before = len(session.fake.calls)
            for name in jobs:
                try:
                    run_job(name, session.jobs, at)
                except Exception as err:  # a broken job must not end the session
                    session.printer.error(f"the {name} job failed at {at:%H:%M} UTC: {err}")
            if len(session.fake.calls) != before or session.pending():
                # Jobs call Slack synchronously; only the fake's own events may trail behind.
                session.settle(quiet=0.03, show=False)
            if session.pending():
                session.printer.when(describe_time(session, at))
                session.flush()
    except KeyboardInterrupt:
        session.flush()
        session.printer.note(
            "interrupted: the clock stopped at " + describe_time(session, session.clock.now())
        )
        raise KeyboardInterrupt("said") from None  # said where: the prompt adds nothing
    session.clock.set(target)
    session.printer.note("it is now " + describe_time(session, target))
