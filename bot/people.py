"""Who is who: what Slack's profile says of a person (time zone, admin rights), from
`users.info`, cached a day in the database and a minute in the process.

A lookup runs before a request is answered, so it takes little of Slack's 3 seconds and
never touches the database on its way: what this process learned stands for a day; else
Slack is asked (within `LOOKUP_BUDGET`, outside any transaction) and its answer saved in
the background. Only when Slack can't answer is the database's cache read (within
`READ_WITHIN`); with nothing known, the person sees what a guest sees (not an admin)::

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
from storage import coaching, people
from storage.db import Database

log = logging.getLogger(__name__)
FRESH_FOR = timedelta(days=1)  # how long users.info's answer stands
RETRY_AFTER = 60.0  # seconds before Slack is asked again about someone it couldn't tell of
READ_WITHIN = 0.3  # seconds the database's cache may take to answer when Slack did not


class Directory:
    """The people of every workspace this process serves, looked up on demand (and
    forgotten when the process ends: the database keeps what Slack said for the jobs)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._reads = db.with_timeout(READ_WITHIN)
        self._memo: dict[tuple[str, str], tuple[Person, float]] = {}
        self._lock = threading.Lock()
        self._saves = ThreadPoolExecutor(max_workers=1, thread_name_prefix="coach-people")

    def person(
        self,
        client: Any,
        *,
        team_id: str,
        user_id: str,
        now: datetime,
        enterprise_id: str | None = None,
    ) -> Person:
        """The person: as this process last learned it (within a day), else from Slack,
        else (Slack down) from the database's cache, else as a guest."""
        key = (team_id, user_id)
        with self._lock:
            known = self._memo.get(key)
        if known is not None and time.monotonic() < known[1]:
            return known[0]
        found = self._ask_slack(client, team_id, user_id, enterprise_id)
        if found is not None:
            if found.deleted:  # left the workspace: what they own goes back, once a day
                self._release(team_id, user_id, now)
            self._saves.submit(self._save, team_id, found, now)
            return self._remember(key, found)
        # Slack down, or the user unknown: what we know, for a minute (Slack isn't asked
        # again on every request meanwhile, nor the database read). Knowing nothing, they
        # see what a guest sees (bot/domain/rules.py): the bot can't tell they may more.
        stale = self._cached(team_id, user_id)
        person = stale[0] if stale is not None else Person(user_id, is_guest=True)
        return self._remember(key, person, for_seconds=RETRY_AFTER)

    def _cached(self, team_id: str, user_id: str) -> tuple[Person, datetime] | None:
        try:
            with self._reads.transaction() as session:
                row = people.cached_user(session, team_id=team_id, user_id=user_id)
                if row is None:
                    return None
                person = Person(user_id, row.name, row.tz, row.is_admin, row.is_guest)
                return person, row.fetched_at
        except Exception as err:  # the database is slow or down: ask Slack instead
            log.warning("could not read what is known of %s: %s", user_id, err)
            return None

    def _save(self, team_id: str, person: Person, now: datetime) -> None:
        try:
            with self._db.transaction() as session:
                people.save_user(
                    session,
                    team_id=team_id,
                    user_id=person.user_id,
                    name=person.name,
                    tz=person.tz,
                    is_admin=person.is_admin,
                    is_guest=person.is_guest,
                    now=now,
                )
        except Exception as err:  # a cache: the next lookup asks Slack again
            log.warning("could not save what Slack said of %s: %s", person.user_id, err)

    def _release(self, team_id: str, user_id: str, now: datetime) -> None:
        """Slack says the person was deactivated or deleted: the open processes they own go
        back to "Who owns this?", as when a DM to them is refused for good
        (bot/jobs/refusals.py); one transaction, and only for someone gone."""
        try:
            with self._db.transaction() as session:
                released = coaching.release_owner(
                    session, team_id=team_id, owner_id=user_id, now=now
                )
        except Exception as err:  # the next lookup (a day on) tries again
            log.warning("could not give back what %s owned: %s", user_id, err)
            return
        if released:
            log.warning(
                "%s in %s was deactivated: %d process(es) back to 'Who owns this?'",
                user_id,
                team_id,
                released,
            )

    def _remember(
        self, key: tuple[str, str], person: Person, *, for_seconds: float | None = None
    ) -> Person:
        """Keep `person` for a day, or `for_seconds`."""
        stands = FRESH_FOR.total_seconds() if for_seconds is None else for_seconds
        with self._lock:
            self._memo[key] = (person, time.monotonic() + stands)
        return person

    def forget(self, team_id: str, user_id: str) -> None:
        """Drop what this process remembers of a person (their profile changed)."""
        with self._lock:
            self._memo.pop((team_id, user_id), None)

    @staticmethod
    def _ask_slack(
        client: Any, team_id: str, user_id: str, enterprise_id: str | None = None
    ) -> Person | None:
        try:
            client = within(client, LOOKUP_BUDGET)
            info = client.users_info(user=user_id)["user"]
        except Exception as err:
            log.warning("users.info failed for %s: %s", user_id, err)
            return None
        # From another organization: users.info names another team, and (in an
        # Enterprise Grid org) not one of this org's.
        org = (info.get("enterprise_user") or {}).get("enterprise_id")
        foreign = info.get("team_id", team_id) != team_id and not (
            enterprise_id and org == enterprise_id
        )
        return Person(
            user_id=user_id,
            name=info.get("real_name") or info.get("name"),
            tz=info.get("tz"),
            # An admin of another organization (a Slack Connect channel) is none here.
            is_admin=bool(info.get("is_admin") or info.get("is_owner")) and not foreign,
            is_guest=bool(info.get("is_restricted") or info.get("is_ultra_restricted")) or foreign,
            deleted=bool(info.get("deleted")),
        )
