"""Small talk around commands (pure): a greeting or thanks on its own, and the politeness
that wraps a request without changing it ("list please", "can you show P3?").

    >>> greeting_in("Hi there!")
    Greeting(thanks=False)
    >>> without_politeness(["can", "you", "show", "P3?"])
    ['show', 'P3']
"""

from __future__ import annotations

import re

from bot.domain.commands import Greeting
from bot.mrkdwn import from_slack

# Words that wrap a request without changing it ("list please", "can you show P3?").
_POLITE_BEFORE = ("please", "pls", "plz", "can you", "could you", "would you", "kindly")
_POLITE_AFTER = frozenset({"please", "pls", "plz", "thanks", "thx", "ty", "?", "!", "."})
# A greeting or thanks is only these words (and punctuation, emoji); at least one of the
# first set.
_GREETING_WORDS = frozenset(
    {"hi", "hello", "hey", "hiya", "howdy", "yo", "morning", "thanks", "thank", "thx", "ty"}
    | {"cheers", "hola", "greetings", "ta"}
)
_GREETING_FILLER = frozenset(
    {"there", "you", "so", "much", "a", "lot", "good", "afternoon", "evening", "coach"}
    | {"bot", "all", "everyone", "team", "ok", "okay", "great", "cool", "nice", "very"}
)
_THANKS = frozenset({"thanks", "thank", "thx", "ty", "cheers", "ta"})


def greeting_in(text: str) -> Greeting | None:
    """A greeting or thanks ("hi there!", "thanks a lot"), and nothing else; or None."""
    words = re.sub(r"[^\w\s]", " ", from_slack(text).lower()).split()
    if not words or len(words) > 6 or not any(w in _GREETING_WORDS for w in words):
        return None
    if not all(w in _GREETING_WORDS or w in _GREETING_FILLER for w in words):
        return None
    return Greeting(thanks=any(w in _THANKS for w in words))


def without_politeness(tokens: list[str]) -> list[str]:
    """The tokens without "please", "can you" and the like around them."""
    words = list(tokens)
    lowered = " ".join(w.lower() for w in words)
    for before in _POLITE_BEFORE:
        if lowered.startswith(before + " "):
            words = words[len(before.split()) :]
            lowered = " ".join(w.lower() for w in words)
    while words and words[-1].lower().strip("?!.,") in _POLITE_AFTER | {""}:
        words.pop()
    while words and words[-1][-1:] in "?!.,":
        words[-1] = words[-1].rstrip("?!.,")
        if not words[-1]:
            words.pop()
    return words
