"""Who is who: what Slack's profile says of a person (time zone, admin rights), from
`users.info`, cached a day in the database and a minute in the process.

A lookup runs before a request is answered, so it takes little of Slack's 3 seconds and
never holds a write: it reads the cache in a short transaction of its own (`READ_WITHIN`),
asks Slack outside any transaction (within `LOOKUP_BUDGET`), and saves what Slack said in
the background. When the database or Slack can't answer, what is known is used; with
nothing known, the person is nobody special (not an admin)::

    person = directory.person(client, team_id="T1", user_id="U1", now=now)
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from bot.domain.people import Person
from bot.slack import LOOKUP_BUDGET, within
from storage import people
from storage.db import Database

log = logging.getLogger(__name__)
FRESH_FOR = timedelta(days=1)  # how long users.info's answer stands in the database
MEMO_SECONDS = 60.0  # and in this process
READ_WITHIN = 0.3  # seconds the cache may take to answer before Slack is asked instead


class Directory:
    """The people of every workspace this process serves, looked up on demand."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._reads = db.with_timeout(READ_WITHIN)
        self._memo: dict[tuple[str, str], tuple[Person, float]] = {}
        self._lock = threading.Lock()
        self._saves = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-people")

    def person(self, client: Any, *, team_id: str, user_id: str, now: datetime) -> Person:
        """The person, from the memo or the cache when fresh, else from Slack."""
        key = (team_id, user_id)
        with self._lock:
            known = self._memo.get(key)
        if known is not None and time.monotonic() - known[1] < MEMO_SECONDS:
            return known[0]
        with self._db.transaction() as session:
            cached = people.cached_user(session, team_id=team_id, user_id=user_id)
            stale = (
                None
                if cached is None
                else (Person(user_id, cached.name, cached.tz, cached.is_admin), cached.fetched_at)
            )
        if stale is not None and now - stale[1] < FRESH_FOR:
            return self._remember(key, stale[0])
        found = self._ask_slack(client, user_id)
        if found is None:  # Slack down or the user unknown: decide with what we know
            return stale[0] if stale is not None else Person(user_id)
        with self._db.transaction() as session:
            people.save_user(
                session,
                team_id=team_id,
                user_id=user_id,
                name=found.name,
                tz=found.tz,
                is_admin=found.is_admin,
                now=now,
            )
        return self._remember(key, found)

    def _remember(self, key: tuple[str, str], person: Person) -> Person:
        with self._lock:
            self._memo[key] = (person, time.monotonic())
        return person

    def forget(self, team_id: str, user_id: str) -> None:
        """Drop what this process remembers of a person (their profile changed)."""
        with self._lock:
            self._memo.pop((team_id, user_id), None)

    @staticmethod
    def _ask_slack(client: Any, user_id: str) -> Person | None:
        try:
            client = within(client, LOOKUP_BUDGET)
            info = client.users_info(user=user_id)["user"]
        except Exception as err:
            log.warning("users.info failed for %s: %s", user_id, err)
            return None
        return Person(
            user_id=user_id,
            name=info.get("real_name") or info.get("name"),
            tz=info.get("tz"),
            is_admin=bool(info.get("is_admin") or info.get("is_owner")),
        )
