"""`metrics.on_commit` counts what is committed for good, once, and nothing rolled back,
savepoints included (the ➕ reaction reports inside one: bot/services/reactions.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bot import metrics


def _count(session: Session, counted: list[int]) -> None:
    metrics.on_commit(session, lambda: counted.append(1))


def _commit(s: Session) -> None:
    s.commit()


def _rollback(s: Session) -> None:
    s.rollback()


@pytest.mark.parametrize(
    ("inside", "savepoint_ends", "outer_ends", "wanted"),
    [
        (False, None, _commit, 1),
        (False, None, _rollback, 0),
        (True, "release", _commit, 1),
        (True, "release", _rollback, 0),  # released, then the transaction rolled back
        (True, "rollback", _commit, 0),  # the savepoint's work is gone
        (False, "release", _rollback, 0),  # counted outside, a later savepoint released
        (False, "rollback", _commit, 1),  # counted outside, a later savepoint rolled back
    ],
)
def test_counted_once_and_only_for_what_is_committed(
    inside: bool, savepoint_ends: str | None, outer_ends: Callable[[Session], None], wanted: int
) -> None:
    counted: list[int] = []
    with Session(create_engine("sqlite://")) as session:
        session.begin()
        if not inside:
            _count(session, counted)
        if savepoint_ends is not None:
            savepoint = session.begin_nested()
            if inside:
                _count(session, counted)
            savepoint.commit() if savepoint_ends == "release" else savepoint.rollback()
        outer_ends(session)
        assert counted == [1] * wanted
        session.begin()  # the same session's next transaction counts nothing of this one
        session.commit()
    assert counted == [1] * wanted
