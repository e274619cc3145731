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

from typing import Any, NamedTuple, cast

from sqlalchemy import (
    JSON,
    String,
    Table,
    and_,
    any_,
    bindparam,
    case,
    delete,
    func,
    null,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.domain.matching import WorkspaceWords, candidate_terms, lookup_terms
from bot.domain.words import may_be_typo, title_words, typo_range
from storage.models import MATCH_WORD_COUNTS as _C
from storage.models import MATCH_WORDS as _W
from storage.models import PROCESSES as _P
from storage.models import Process, RejectedMatch

_RJ = cast(Table, RejectedMatch.__table__)

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


def _among(column: Any, name: str, dialect: str) -> Any:
    """`column` is one of the list bound as `name`, in a statement whose text is the same
    whatever the list's length, so it is compiled and prepared once: `= ANY(:name)` with
    an array on PostgreSQL; on SQLite, which has no arrays, `IN` the list bound as one
    JSON text (`json_each`), where an expanding `IN` was rendered anew for each length
    and prepared again by SQLite."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(String)))
    listed = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return column.in_(select(listed.c.value))


def _counts_stmt(dialect: str) -> Any:
    return select(_C.c.word, _C.c.titles).where(
        _C.c.team_id == bindparam("team_id"), _among(_C.c.word, "words", dialect)
    )


def _counts_and_rejected_stmt(dialect: str) -> Any:
    """The word counts, and (`titles` NULL) the match keys told apart from `key`: the
    two reads a report's matching starts with, in one round trip."""
    other = case((_RJ.c.key_a == bindparam("key"), _RJ.c.key_b), else_=_RJ.c.key_a)
    told_apart = select(other, null()).where(
        _RJ.c.team_id == bindparam("team_id"),
        or_(_RJ.c.key_a == bindparam("key"), _RJ.c.key_b == bindparam("key")),
    )
    return union_all(_counts_stmt(dialect), told_apart)


def _candidates_stmt(dialect: str) -> Any:
    return (
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
                    _W.c.team_id == bindparam("team_id"), _among(_W.c.word, "terms", dialect)
                )
            )
        )
        .order_by(_P.c.id)
    )


# Built once per dialect: SQLAlchemy caches their compiled forms (`_among`: one text each).
_DIALECTS = ("postgresql", "sqlite")
_COUNTS = {d: _counts_stmt(d) for d in _DIALECTS}
_COUNTS_AND_REJECTED = {d: _counts_and_rejected_stmt(d) for d in _DIALECTS}
_CANDIDATES = {d: _candidates_stmt(d) for d in _DIALECTS}
_REJECTED = select(RejectedMatch.key_a, RejectedMatch.key_b).where(
    RejectedMatch.team_id == bindparam("team_id"),
    or_(RejectedMatch.key_a == bindparam("key"), RejectedMatch.key_b == bindparam("key")),
)


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _counts(session: Session, *, team_id: str, words: set[str]) -> dict[str, int]:
    if not words:
        return {}
    params = {"team_id": team_id, "words": sorted(words)}
    rows = session.execute(_COUNTS[_dialect(session)], params)
    return {w: n for w, n in rows if n > 0}


def _counts_and_rejected(
    session: Session, *, team_id: str, words: set[str], key: str
) -> tuple[dict[str, int], set[str]]:
    """`_counts` and `rejected_keys` in one statement."""
    params = {"team_id": team_id, "words": sorted(words), "key": key}
    counts: dict[str, int] = {}
    rejected: set[str] = set()
    for w, n in session.execute(_COUNTS_AND_REJECTED[_dialect(session)], params):
        if n is None:
            rejected.add(w)
        elif n > 0:
            counts[w] = n
    return counts, rejected


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
    rows, stats, _ = candidates_and_rejected(session, team_id=team_id, title=title, key=None)
    return rows, stats


def candidates_and_rejected(
    session: Session, *, team_id: str, title: str, key: str | None
) -> tuple[list[Candidate], WorkspaceWords, set[str]]:
    """`candidates`, and `rejected_keys` for match key `key` (None: not asked) read with
    the word counts, in the same round trip."""
    session.flush()
    words = title_words(title)
    wanted = lookup_terms(words) | {TITLES}
    rejected: set[str] = set()
    if key is None:
        counts = _counts(session, team_id=team_id, words=wanted)
    else:
        counts, rejected = _counts_and_rejected(session, team_id=team_id, words=wanted, key=key)
    titles = counts.pop(TITLES, 0)
    unknown = [w for w in words if w not in counts and may_be_typo(w)]
    counts.update(_near(session, team_id=team_id, words=unknown))
    stats = WorkspaceWords(titles, counts)  # `counts` grows below: `stats` sees it
    terms = candidate_terms(title, stats)
    if not terms:
        return [], stats, rejected
    params = {"team_id": team_id, "terms": sorted(terms)}
    found = session.execute(_CANDIDATES[_dialect(session)], params)
    rows = [Candidate(*r) for r in found]
    missing = {w for r in rows for w in title_words(r[1])} - counts.keys()
    counts.update(_counts(session, team_id=team_id, words=missing))
    return rows, stats, rejected


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
