"""FROZEN BASELINE for bench.matching: a copy of bot/domain/matching.py before issue 13.
Do not change it; it is what the new matcher is measured against.

Matching a reported title to an existing process, so one task is not recorded twice.

``normalize_title`` gives the stored, comparable form of a title; ``similarity`` scores two
titles from 0 to 100; ``best_match`` picks the best of many candidates, or None::

    >>> best_match("reconcile payouts", [(7, "Reconcile Stripe payouts"), (9, "Update roadmap")])
    7

Scoring: titles are normalised (case, punctuation, stopwords) and lightly stemmed
("copying" ~ "copy", "payouts" ~ "payout"); the score is the mean of rapidfuzz's
token-set and token-sort ratios, and two multi-word titles must share at least two words,
so that one generic shared word ("update", "reconcile") is never enough.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

from rapidfuzz import fuzz, process

K = TypeVar("K")

MATCH_THRESHOLD = 80.0
# Two words count as the same word at this ratio or above (after stemming).
_SAME_WORD_RATIO = 85.0

# fmt: off
STOPWORDS = frozenset({
    "a", "an", "the", "of", "for", "to", "into", "in", "on", "at", "by", "from", "with", "and",
    "or", "but", "as", "per", "via", "again", "today", "yesterday", "this", "that", "these",
    "those", "my", "our", "your", "their", "its", "his", "her", "i", "we", "you", "he", "she",
    "they", "it", "me", "us", "them", "is", "are", "was", "were", "be", "been", "am", "do", "did",
    "does", "doing", "some", "any", "all", "every", "each", "just", "also", "then", "very",
    "more", "most",
})
# fmt: on

_NON_WORD_RE = re.compile(r"[\W_]+")
_ASCII_PUNCTUATION_TO_SPACE = str.maketrans(
    {chr(c): " " for c in range(128) if not chr(c).isalnum()}
)


def normalize_title(title: str) -> str:
    """The comparable form of a title: lower-case, NFKC, no punctuation or stopwords.

    >>> normalize_title("Copying leads into the CRM!")
    'copying leads crm'
    """
    if title.isascii():  # the common case, about twice as fast
        words = title.lower().translate(_ASCII_PUNCTUATION_TO_SPACE).split()
    else:
        text = unicodedata.normalize("NFKC", title).casefold()
        words = _NON_WORD_RE.sub(" ", text).split()
    kept = [w for w in words if w not in STOPWORDS]
    return " ".join(kept)


@lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    """A deliberately crude English stemmer: enough for "copying"/"copy", "payouts"/"payout"."""
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
        if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
            word = word[:-1]  # "running" -> "run"
        return word
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=65_536)
def _match_key(title: str) -> str:
    return " ".join(_stem(w) for w in normalize_title(title).split())


def _shared_words(a: list[str], b: list[str]) -> int:
    """How many words of the shorter title have a (fuzzy) counterpart in the longer one."""
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    return sum(
        1
        for word in shorter
        if word in longer or any(fuzz.ratio(word, other) >= _SAME_WORD_RATIO for other in longer)
    )


def _score_keys(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    words_a, words_b = a.split(), b.split()
    if len(words_a) == 1 and len(words_b) == 1:
        return fuzz.ratio(a, b)
    if _shared_words(words_a, words_b) < 2:
        # One shared word ("update", "reconcile") does not make two tasks the same.
        return min(fuzz.token_sort_ratio(a, b), 50.0)
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def similarity(a: str, b: str) -> float:
    """How alike two titles are, from 0 (nothing in common) to 100 (the same task).

    >>> similarity("Reconcile Stripe payout", "Reconcile Stripe payouts")
    100.0
    """
    return _score_keys(_match_key(a), _match_key(b))


def best_match(
    title: str,
    candidates: Iterable[tuple[K, str]],
    *,
    threshold: float = MATCH_THRESHOLD,
) -> K | None:
    """The key of the candidate whose title best matches ``title``, or None below threshold.

    Fast for large candidate lists: rapidfuzz's C scorer shortlists, then the few
    shortlisted titles are scored in full. Ties go to the earlier candidate.
    """
    query = _match_key(title)
    if not query:
        return None
    keys: list[K] = []
    texts: list[str] = []
    for key, text in candidates:
        keys.append(key)
        texts.append(_match_key(text))
    # The final score never exceeds the mean of the token-set and token-sort ratios, so
    # rapidfuzz's C scorers shortlist candidates whose mean reaches the threshold, and only
    # those few are scored in full in Python.
    cutoff = max(0.0, 2 * threshold - 100)
    set_scores = {
        index: score
        for _, score, index in process.extract(
            query, texts, scorer=fuzz.token_set_ratio, limit=None, score_cutoff=cutoff
        )
    }
    if not set_scores:
        return None
    best_index: int | None = None
    best_score = -1.0
    for _, sort_score, index in process.extract(
        query, texts, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=cutoff
    ):
        set_score = set_scores.get(index)
        if set_score is None or (set_score + sort_score) / 2 < threshold:
            continue
        score = _score_keys(query, texts[index])
        if score >= threshold and (
            score > best_score or (score == best_score and index < (best_index or 0))
        ):
            best_index, best_score = index, score
    return None if best_index is None else keys[best_index]
