"""What the bot last learned of a Slack user (`users.info`), cached. Keyword-only
arguments; nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import (
    SlackUser,
)


def names(session: Session, *, team_ids: Sequence[str]) -> dict[tuple[str, str], str]:
    """The name Slack last gave each person the bot knows in these workspaces, by
    (team_id, user_id): one row a person, for an export to print beside the ids."""
    found = session.execute(
        select(SlackUser.team_id, SlackUser.user_id, SlackUser.name).where(
            SlackUser.team_id.in_(team_ids), SlackUser.name.is_not(None)
        )
    )
    return {(team, user): name for team, user, name in found if name}


def cached_user(session: Session, *, team_id: str, user_id: str) -> SlackUser | None:
    return session.get(SlackUser, (team_id, user_id))


def save_user(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    name: str | None,
    tz: str | None,
    is_admin: bool,
    now: datetime,
    is_guest: bool = False,
) -> SlackUser:
    values = {"name": name, "tz": tz, "is_admin": is_admin, "is_guest": is_guest, "fetched_at": now}
    user = session.get(SlackUser, (team_id, user_id))
    if user is None:
        try:
            with session.begin_nested():  # another replica may be saving the same person
                user = SlackUser(team_id=team_id, user_id=user_id, **values)
                session.add(user)
            return user
        except IntegrityError:
            user = session.get(SlackUser, (team_id, user_id))
            assert user is not None
    for key, value in values.items():
        setattr(user, key, value)
    session.flush()
    return user
