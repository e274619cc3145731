"""Who is who: a Slack user's time zone and admin rights, from `users.info`, cached a day."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from storage import queries

log = logging.getLogger(__name__)
FRESH_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str | None
    tz: str | None
    is_admin: bool


def lookup(session: Session, client: Any, *, team_id: str, user_id: str, now: datetime) -> Person:
    """The person, from the cache when fresh, else from Slack (falling back to the cache)."""
    cached = queries.cached_user(session, team_id=team_id, user_id=user_id)
    if cached is not None and now - cached.fetched_at < FRESH_FOR:
        return Person(user_id, cached.name, cached.tz, cached.is_admin)
    try:
        info = client.users_info(user=user_id)["user"]
    except Exception as err:  # Slack down or the user unknown: decide with what we know
        log.warning("users.info failed for %s: %s", user_id, err)
        if cached is not None:
            return Person(user_id, cached.name, cached.tz, cached.is_admin)
        return Person(user_id, None, None, False)
    person = Person(
        user_id=user_id,
        name=info.get("real_name") or info.get("name"),
        tz=info.get("tz"),
        is_admin=bool(info.get("is_admin") or info.get("is_owner")),
    )
    queries.save_user(
        session,
        team_id=team_id,
        user_id=user_id,
        name=person.name,
        tz=person.tz,
        is_admin=person.is_admin,
        now=now,
    )
    return person
