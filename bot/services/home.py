"""The App Home: gather a person's page and publish it (`views.publish`).

`publish_home` is the one way the Home tab is drawn: on `app_home_opened`, on the Refresh
button, and after the person reports, answers or retires something.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain import commands as c
from bot.domain import windows
from bot.domain.people import Person
from bot.domain.rules import sight_of_person
from bot.domain.states import OPEN_STATUSES, Status
from bot.messages.home import HomePage, ReportLine, home_view
from bot.services import decisions
from bot.services.cards import cards_for, with_steps
from bot.services.lookup import known_person
from storage import eliminated, history, occurrences, people, processes, rollups, stats
from storage.db import Database
from storage.models import Workspace

log = logging.getLogger(__name__)
MINE_SHOWN = 10
REPORTS_SHOWN = 5
TOP_SHOWN = 5

# Subcommands that change nothing: no need to redraw the Home tab after them.
READ_ONLY_COMMANDS: tuple[type, ...] = (
    c.Help,
    c.ListTop,
    c.Mine,
    c.Show,
    c.Steps,  # opens a form: its save redraws
    c.Stats,
    c.Export,
    c.Config,
    c.DigestPreview,
    c.Forget,  # only asks: the confirming click redraws
    c.Greeting,
    c.DidYouMean,
    c.Toil,  # a channel's team and the budget: nothing the Home tab shows
    c.Volume,
)


def page(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    tz: str | None = None,
    person: Person | None = None,
) -> HomePage:
    """What `user_id` sees on the Home tab at `now`: as `person` (who the request found
    they are), else as Slack last said (a redraw after a change: what the directory
    saved), its times in their time zone (`tz` when the request knew it, else the
    directory's)."""
    ranked = windows.recent_weeks(now)
    known = people.cached_user(session, team_id=team_id, user_id=user_id)
    if person is None:
        person = known_person(session, team_id=team_id, user_id=user_id)
    guest = person.is_guest
    sight = sight_of_person(team_id, person)
    mine = rollups.loads(
        session,
        sight=sight,
        window=ranked,
        statuses=OPEN_STATUSES,
        limit=MINE_SHOWN,
        owner_id=user_id,
    )
    top = rollups.loads(
        session, sight=sight, window=ranked, statuses=OPEN_STATUSES, limit=TOP_SHOWN
    )
    reports = [
        ReportLine(o.process.ref, o.process.title, o.minutes, o.occurred_at)
        for o in occurrences.recent_reports_by(
            session, team_id=team_id, user_id=user_id, limit=REPORTS_SHOWN
        )
    ]
    ws = session.get(Workspace, team_id)
    return HomePage(
        guest=guest,
        user_id=user_id,
        mine=with_steps(session, cards_for(session, [pl.process for pl in mine], now=now)),
        mine_total=stats.owned_count(session, team_id=team_id, owner_id=user_id),
        retired_mine=stats.retired_refs(session, team_id=team_id, owner_id=user_id),
        retired_mine_total=stats.retired_count(session, team_id=team_id, owner_id=user_id),
        reports=reports,
        top=[] if guest else cards_for(session, [pl.process for pl in top], now=now),
        eliminated_minutes_per_week=history.eliminated_as_of(session, sight=sight),
        verified_minutes_per_week=eliminated.verified_minutes(session, sight=sight),
        retired=processes.count_processes(session, sight=sight, statuses=(Status.RETIRED,)),
        hourly_rate=ws.hourly_rate if ws else None,
        currency=ws.currency if ws else "USD",
        updated_at=now,
        tz=tz or (known.tz if known is not None else None),
        lone=decisions.lone_view(
            session, sight=sight, window=windows.ranking(now), user_id=user_id
        ),
    )


def publish_home(
    client: Any,
    db: Database,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    tz: str | None = None,
    person: Person | None = None,
) -> bool:
    """Draw `user_id`'s Home tab as it is now (as `person`, when the request knows
    them). Runs after Slack's acknowledgement, in its own read-only transaction; a
    failure is logged and returns False (the change that prompted the redraw is already
    saved)."""
    try:
        with db.transaction() as session:
            view = home_view(
                page(session, team_id=team_id, user_id=user_id, now=now, tz=tz, person=person)
            )
        client.views_publish(user_id=user_id, view=view)
    except Exception as err:
        log.warning("could not publish the Home tab of %s/%s: %s", team_id, user_id, err)
        return False
    return True


def changes_something(cmd: object) -> bool:
    """Whether a parsed `/manual-task` command may change what the Home tab shows."""
    return not isinstance(cmd, READ_ONLY_COMMANDS)


# ----------------------------------------------------------------- redraws after a change

REDRAW_DELAY = 0.3  # seconds: a burst of changes by one person becomes one redraw
OPENED_TTL = 60.0  # seconds to trust what we know of who opens their Home tab
_NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def mark_opened(db: Database, *, team_id: str, user_id: str, now: datetime) -> None:
    """Remember that `user_id` looks at their Home tab: from now on changes redraw it."""
    with db.transaction() as session:
        user = people.cached_user(session, team_id=team_id, user_id=user_id)
        if user is None:  # profile not fetched yet: a stale row, filled by the next lookup
            user = people.save_user(  # until then, seeing what a guest sees
                session,
                team_id=team_id,
                user_id=user_id,
                name=None,
                tz=None,
                is_admin=False,
                is_guest=True,
                now=_NEVER,
            )
        user.home_opened_at = now
    _redraws.opened(db, team_id, user_id)


class _Redraws:
    """Coalesces redraw requests per person: at most one waiting, drawn with fresh data
    after a short delay by one background thread, and only for people who opened their
    Home tab (remembered in the database, cached here for a minute). This keeps the Home
    tab off the acknowledgement's path and off its CPU."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._pending: dict[tuple[int, str, str], tuple[Any, Database, datetime, float]] = {}
        self._opened: dict[tuple[int, str, str], tuple[bool, float]] = {}
        self._thread: threading.Thread | None = None

    def request(self, client: Any, db: Database, team_id: str, user_id: str, now: datetime) -> None:
        key = (id(db), team_id, user_id)
        known = self._opened.get(key)
        if known is not None and not known[0] and time.monotonic() - known[1] < OPENED_TTL:
            return  # they never look at their Home tab: nothing to redraw
        with self._cond:
            due = (
                self._pending[key][3] if key in self._pending else (time.monotonic() + REDRAW_DELAY)
            )
            self._pending[key] = (client, db, now, due)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="coach-home", daemon=True)
                self._thread.start()
            self._cond.notify()

    def opened(self, db: Database, team_id: str, user_id: str) -> None:
        self._opened[(id(db), team_id, user_id)] = (True, time.monotonic())

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending:
                    self._cond.wait()
                key = min(self._pending, key=lambda k: self._pending[k][3])
                wait = self._pending[key][3] - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                client, db, now, _ = self._pending.pop(key)
            self._draw(key, client, db, now)

    def _draw(self, key: tuple[int, str, str], client: Any, db: Database, now: datetime) -> None:
        _, team_id, user_id = key
        if db.closed:  # shut down meanwhile (the end of a test, a worker stopping)
            return
        known = self._opened.get(key)
        if known is None or time.monotonic() - known[1] >= OPENED_TTL:
            try:
                with db.transaction() as session:
                    user = people.cached_user(session, team_id=team_id, user_id=user_id)
                    known = (user is not None and user.home_opened_at is not None, time.monotonic())
            except Exception as err:
                log.warning("could not check %s/%s's Home tab: %s", team_id, user_id, err)
                return
            self._opened[key] = known
        if known[0]:
            publish_home(client, db, team_id=team_id, user_id=user_id, now=now)


_redraws = _Redraws()


def refresh_home(client: Any, db: Database, *, team_id: str, user_id: str, now: datetime) -> None:
    """After a change: redraw the person's Home tab soon (once for a burst of changes),
    if they ever opened it. Never blocks the caller."""
    _redraws.request(client, db, team_id, user_id, now)
