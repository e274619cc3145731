"""The match index: which processes a report may be about, read without scanning every
title, and the pairs of titles a reporter said are different. Keyword-only; nothing here
commits.

`match_words` holds (team, word, process) for every match word of every process a report
may attach to (bot/domain/words.py `title_words`), and (team, "", process) for the title
itself; `match_word_counts` holds in how many
of those titles each word appears (word "" counts the titles). They change with the
processes: `index_process` when one is made (a report, a split), `unindex_process` when
one is merged away or deleted. `candidates` then reads only the processes sharing a
distinctive word with the report (bot/domain/matching.py `candidate_terms`), and gives
`decide` the same answer a full scan would (tests/storage/test_match_index.py).
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.matching import WorkspaceWords, candidate_terms, lookup_terms
from bot.domain.words import may_be_typo, title_words, typo_range
from storage.models import MATCH_WORD_COUNTS as _C
from storage.models import MATCH_WORDS as _W
from storage.models import PROCESSES as _P
from storage.models import Process, RejectedMatch

TITLES = ""  # the count row that counts the titles


def _upsert(dialect: Any) -> Any:
    stmt = dialect.insert(_C)
    return stmt.on_conflict_do_update(
        index_elements=["team_id", "word"], set_={"titles": _C.c.titles + stmt.excluded.titles}
    )


_COUNT_UP = {"postgresql": _upsert(postgresql), "sqlite": _upsert(sqlite)}
_COUNT_DOWN = (
    update(_C)
    .where(_C.c.team_id == bindparam("t"), _C.c.word == bindparam("w"))
    .values(titles=_C.c.titles - 1)
)


def index_process(session: Session, *, process: Process) -> None:
    """Add a new (or revived) process's title to the index."""
    session.flush()
    words = sorted({TITLES, *title_words(process.title)})  # "" too: a title's own row
    session.execute(
        _W.insert(),
        [{"team_id": process.team_id, "word": w, "process_id": process.id} for w in words],
    )
    session.execute(  # in one order everywhere: two writers lock rows in the same order
        _COUNT_UP[session.get_bind().dialect.name],
        [{"team_id": process.team_id, "word": w, "titles": 1} for w in words],
    )


def unindex_process(session: Session, *, process: Process) -> None:
    """Take a process out of the index (merged away, or deleted)."""
    session.flush()
    words = sorted({TITLES, *title_words(process.title)})
    gone = session.execute(delete(_W).where(_W.c.process_id == process.id))
    if gone.rowcount == 0:  # type: ignore[attr-defined]
        return  # not indexed (already taken out)
    session.execute(_COUNT_DOWN, [{"t": process.team_id, "w": w} for w in words])


# Built once: SQLAlchemy caches their compiled forms (an expanding IN included).
_COUNTS = select(_C.c.word, _C.c.titles).where(
    _C.c.team_id == bindparam("team_id"), _C.c.word.in_(bindparam("words", expanding=True))
)
_CANDIDATES = (
    select(
        _P.c.id,
        _P.c.title,
        _P.c.status,
        _P.c.team_id,
        _P.c.private,
        _P.c.owner_id,
        _P.c.reporter_id,
        _P.c.channel_id,
    )
    .where(
        _P.c.id.in_(
            select(_W.c.process_id).where(
                _W.c.team_id == bindparam("team_id"),
                _W.c.word.in_(bindparam("terms", expanding=True)),
            )
        )
    )
    .order_by(_P.c.id)
)
_REJECTED = select(RejectedMatch.key_a, RejectedMatch.key_b).where(
    RejectedMatch.team_id == bindparam("team_id"),
    or_(RejectedMatch.key_a == bindparam("key"), RejectedMatch.key_b == bindparam("key")),
)


def _counts(session: Session, *, team_id: str, words: set[str]) -> dict[str, int]:
    if not words:
        return {}
    rows = session.execute(_COUNTS, {"team_id": team_id, "words": sorted(words)})
    return {w: n for w, n in rows if n > 0}


def _starts_with(letter: str) -> Any:
    """Words starting with `letter`: a range of the primary key for a-z (in every
    collation a word starting with "r" sorts from "r" to before "s"), a scan of the
    workspace's words for any other letter (a collation may sort "é" among the "e")."""
    if "a" <= letter <= "y":
        return and_(_C.c.word >= letter, _C.c.word < chr(ord(letter) + 1))
    return func.substr(_C.c.word, 1, 1) == letter


def _near(session: Session, *, team_id: str, words: list[str]) -> dict[str, int]:
    """The vocabulary where typos of `words` can be (bot/domain/words.py `typo_range`)."""
    ranges = [typo_range(w) for w in words]
    if not ranges:
        return {}
    condition = or_(
        *(
            and_(_starts_with(first), func.length(_C.c.word).between(shortest, longest))
            for first, shortest, longest in ranges
        )
    )
    rows = session.execute(select(_C.c.word, _C.c.titles).where(_C.c.team_id == team_id, condition))
    return {w: n for w, n in rows if n > 0}


class Candidate(NamedTuple):
    """A process a title may be about: what matching and the visibility rule look at."""

    id: int
    title: str
    status: str
    team_id: str
    private: bool
    owner_id: str | None
    reporter_id: str
    channel_id: str | None


def candidates(
    session: Session, *, team_id: str, title: str
) -> tuple[list[Candidate], WorkspaceWords]:
    """The processes `title` may be about, by id, and the workspace's word counts that
    `decide` needs for them (whoever reports it: the caller keeps those in sight)."""
    session.flush()
    words = title_words(title)
    counts = _counts(session, team_id=team_id, words=lookup_terms(words) | {TITLES})
    titles = counts.pop(TITLES, 0)
    unknown = [w for w in words if w not in counts and may_be_typo(w)]
    counts.update(_near(session, team_id=team_id, words=unknown))
    stats = WorkspaceWords(titles, counts)  # `counts` grows below: `stats` sees it
    terms = candidate_terms(title, stats)
    if not terms:
        return [], stats
    found = session.execute(_CANDIDATES, {"team_id": team_id, "terms": sorted(terms)})
    rows = [Candidate(*r) for r in found]
    missing = {w for r in rows for w in title_words(r[1])} - counts.keys()
    counts.update(_counts(session, team_id=team_id, words=missing))
    return rows, stats


# ------------------------------------------------------------ titles told apart


def rejected_keys(session: Session, *, team_id: str, key: str) -> set[str]:
    """The match keys a title with match key `key` was said to be different from."""
    rows = session.execute(_REJECTED, {"team_id": team_id, "key": key})
    return {b if a == key else a for a, b in rows}


def is_rejected(session: Session, *, team_id: str, key: str, other: str) -> bool:
    a, b = sorted((key, other))
    return session.get(RejectedMatch, (team_id, a, b)) is not None


def reject(session: Session, *, team_id: str, key: str, other: str, by: str, now: Any) -> bool:
    """Remember that two titles are different processes; False when it already was."""
    if is_rejected(session, team_id=team_id, key=key, other=other):
        return False
    a, b = sorted((key, other))
    session.add(RejectedMatch(team_id=team_id, key_a=a, key_b=b, rejected_by=by, created_at=now))
    session.flush()
    return True
