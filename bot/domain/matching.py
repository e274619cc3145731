"""Which process a report is about: the same one (confident), ask about one, or a new one.

A process is told apart by what distinguishes it *within its workspace*. Titles become
match words (bot/domain/words.py: case, stopwords, filler, stems). A word found in many of
the workspace's titles ("update", "invoice" in a finance team) says little; a word in few
("pricing", "Kafka", "EU") says a lot: each word weighs its inverse document frequency over
the workspace's titles, and generic work words ("update", "send", "sheet", "report") weigh
little whatever the counts, so a small workspace, where every word is rare, still knows
that "update" names nothing.

A report and one process compare word by word (a typo, "recocile", meets its word; "back
up" meets "backup"). Then, in order:

1. A word on one side that undoes a word on the other (create/delete, import/export,
   deploy/roll back, daily/weekly, staging/production, …): **new**.
2. The same words (however generic): **same**.
3. No shared *distinctive* word (not generic, and in few enough of the workspace's titles):
   **new**. "Update the roadmap" never joins "Update the roster" on "update".
4. Both sides keep words the other lacks (a substitution): if any of them is not generic
   ("pricing" vs "roster", "EU" vs "US", "backup" vs "build") **new**; if they are all
   generic ("check" vs "update") **ask**.
5. Only one side has words the other lacks (added detail, "reconcile payouts" and
   "Reconcile Stripe payouts"): **same** when the shared words weigh at least two thirds of
   the extra ones, **ask** down to a third, else **new**.

Across the workspace: the best "same" wins, unless another "same" comes close (the report
fits two processes: **ask** about the best); else the best "ask"; else **new**. A pair the
reporter already said are different (``rejected``) is never proposed again::

    >>> best_match("reconcile payouts", [(7, "Reconcile Stripe payouts"), (9, "Update roadmap")])
    Match(decision=<Decision.SAME: 'same'>, key=7)

``decide`` takes the candidates and the workspace's word counts from anywhere: a full scan
(``best_match``) or an index that reads only the processes sharing a distinctive word with
the report (storage/match_index.py). ``lookup_terms`` and ``typo_range`` say which words an
index must read so that both give the same answer.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from bot.domain.words import (
    GENERIC,
    is_typo_of,
    match_key,
    may_be_typo,
    opposite,
    title_words,
)
from bot.domain.words import (
    STOPWORDS as STOPWORDS,
)
from bot.domain.words import (
    normalize_title as normalize_title,
)

K = TypeVar("K")

SAME_COVERAGE = 2 / 3  # shared weight / extra weight at or above which added detail joins
ASK_COVERAGE = 1 / 3
CLOSE_RUNNER_UP = 0.1  # a second "same" this close to the best makes the report ambiguous
GENERIC_WEIGHT = 0.25
TYPO_FACTOR = 0.8  # a word met through a typo counts for a little less


class Decision(StrEnum):
    SAME = "same"
    ASK = "ask"
    NEW = "new"


@dataclass(frozen=True)
class Match(Generic[K]):
    """The decision about a report, and the candidate it is about (None when new)."""

    decision: Decision
    key: K | None = None


NEW = Match[object](Decision.NEW)


@dataclass(frozen=True)
class WorkspaceWords:
    """How many matchable titles a workspace has and in how many of them each match word
    appears (the index may hold only the words a report needs)."""

    titles: int
    counts: Mapping[str, int]

    @classmethod
    def of(cls, titles: Iterable[str]) -> WorkspaceWords:
        counts: Counter[str] = Counter()
        n = 0
        for title in titles:
            n += 1
            counts.update(title_words(title))
        return cls(n, counts)

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)

    def distinctive_limit(self) -> float:
        """In how many titles a word may appear and still tell a process: 5% of a small
        workspace (at least 3); in a big one a word in hundreds of titles names a family
        of processes, so the limit grows only as the square root."""
        n = self.titles
        return max(3.0, min(0.05 * n, 10 + math.sqrt(n)))

    def distinctive(self, word: str) -> bool:
        return word not in GENERIC and self.count(word) <= self.distinctive_limit()

    def weight(self, word: str) -> float:
        idf = math.log((self.titles + 2) / (self.count(word) + 1)) + 1
        return GENERIC_WEIGHT * idf if word in GENERIC else idf


def lookup_terms(words: Iterable[str]) -> set[str]:
    """Every workspace word a report's words may meet without a typo: the words, each two
    neighbours run together ("back up" → "backup") and each word cut in two ("cashflow" →
    "cash", "flow")."""
    seq = list(words)
    terms = set(seq)
    terms.update(a + b for a, b in zip(seq, seq[1:], strict=False))
    for word in seq:
        terms.update(_halves(word))
    return terms


def _halves(word: str) -> list[str]:
    return [p for i in range(2, len(word) - 1) for p in (word[:i], word[i:])]


_Way = tuple[tuple[str, ...], bool]  # the workspace words that must all appear; a typo?


def _resolve(words: tuple[str, ...], stats: WorkspaceWords) -> list[list[_Way]]:
    """For each report word, the ways it can appear in a title of the workspace: itself,
    joined with a neighbour, cut in two, or (unknown to the workspace) a typo of a word
    the workspace knows."""
    ways: list[list[_Way]] = [[] for _ in words]
    for i, word in enumerate(words):
        if stats.count(word):
            ways[i].append(((word,), False))
        for j in (i - 1, i + 1):
            if 0 <= j < len(words):
                joined = words[min(i, j)] + words[max(i, j)]
                if stats.count(joined):
                    ways[i].append(((joined,), False))
        if not stats.count(word):
            for k in range(2, len(word) - 1):
                head, tail = word[:k], word[k:]
                if stats.count(head) and stats.count(tail):
                    ways[i].append(((head, tail), False))
            if may_be_typo(word):
                ways[i].extend(
                    ((known,), True) for known in stats.counts if is_typo_of(word, known)
                )
    return ways


def candidate_terms(title: str, stats: WorkspaceWords) -> set[str]:
    """The workspace words whose processes are the only ones `decide` can attach a report
    to: its distinctive words (rule 3), and every way of meeting its rarest word (a
    process with the very same words, rule 2, has that word). `stats` must know the words
    of ``lookup_terms`` and those within ``typo_range`` of each unknown word."""
    words = title_words(title)
    if not words:
        return set()
    ways = _resolve(words, stats)
    terms = {t for word_ways in ways for way, _ in word_ways for t in way if stats.distinctive(t)}
    rarest = min(ways, key=lambda ws: sum(stats.count(t) for way, _ in ws for t in way))
    terms.update(t for way, _ in rarest for t in way)
    return terms


@dataclass(frozen=True)
class _Verdict:
    decision: Decision
    score: float


def _compare(
    words: tuple[str, ...],
    ways: list[list[_Way]],
    other: tuple[str, ...],
    stats: WorkspaceWords,
) -> _Verdict:
    present = set(other)
    used: set[str] = set()
    extra_report: list[str] = []
    shared = 0.0
    anchored = False
    for word, word_ways in zip(words, ways, strict=True):
        found = next((way for way in word_ways if present.issuperset(way[0])), None)
        if found is None:
            extra_report.append(word)
            continue
        hit, typo = found
        used.update(hit)
        factor = TYPO_FACTOR if typo else 1.0
        shared += factor * max(stats.weight(term) for term in hit)
        anchored = anchored or any(stats.distinctive(term) for term in hit)
    extra_other = [w for w in other if w not in used]
    if any(opposite(a, b) for a in extra_report for b in extra_other):
        return _Verdict(Decision.NEW, 0.0)
    if not extra_report and not extra_other:
        return _Verdict(Decision.SAME, 1.0)  # the same words, however generic
    if not anchored:
        return _Verdict(Decision.NEW, 0.0)
    extra = sum(stats.weight(w) for w in extra_report) + sum(stats.weight(w) for w in extra_other)
    score = shared / (shared + extra)
    if extra_report and extra_other:
        if any(w not in GENERIC for w in (*extra_report, *extra_other)):
            return _Verdict(Decision.NEW, 0.0)
        return _Verdict(Decision.ASK, score)
    coverage = shared / extra
    if coverage >= SAME_COVERAGE:
        return _Verdict(Decision.SAME, score)
    if coverage >= ASK_COVERAGE:
        return _Verdict(Decision.ASK, score)
    return _Verdict(Decision.NEW, 0.0)


def decide(
    title: str,
    candidates: Iterable[tuple[K, str]],
    *,
    stats: WorkspaceWords,
    rejected: Collection[str] = (),
) -> Match[K]:
    """The decision for a report titled `title` among `candidates` ((key, title) pairs),
    with the workspace's word counts `stats`; `rejected` holds the match keys the
    reporter's title was already told apart from. Ties go to the earlier candidate."""
    words = title_words(title)
    if not words:
        return Match(Decision.NEW)
    ways = _resolve(words, stats)
    same: list[tuple[float, int, K]] = []
    ask: list[tuple[float, int, K]] = []
    for index, (key, text) in enumerate(candidates):
        other = title_words(text)
        if not other or (rejected and match_key(text) in rejected):
            continue
        verdict = _compare(words, ways, other, stats)
        if verdict.decision is Decision.SAME:
            same.append((-verdict.score, index, key))
        elif verdict.decision is Decision.ASK:
            ask.append((-verdict.score, index, key))
    if same:
        same.sort(key=lambda s: (s[0], s[1]))
        best = same[0]
        if len(same) > 1 and -same[1][0] >= -best[0] - CLOSE_RUNNER_UP and -best[0] < 1.0:
            return Match(Decision.ASK, best[2])
        return Match(Decision.SAME, best[2])
    if ask:
        return Match(Decision.ASK, min(ask, key=lambda s: (s[0], s[1]))[2])
    return Match(Decision.NEW)


def best_match(
    title: str, candidates: Iterable[tuple[K, str]], *, rejected: Collection[str] = ()
) -> Match[K]:
    """`decide` over every candidate, with word counts taken from the candidates' titles
    (a full scan: the reference the index must agree with)."""
    pairs = list(candidates)
    return decide(title, pairs, stats=WorkspaceWords.of(t for _, t in pairs), rejected=rejected)


__all__ = [
    "Decision",
    "Match",
    "WorkspaceWords",
    "best_match",
    "candidate_terms",
    "decide",
    "lookup_terms",
    "match_key",
    "normalize_title",
    "title_words",
]
