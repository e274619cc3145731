"""The words of a title as the matcher sees them (bot/domain/matching.py uses them).

``title_words`` turns a title into its *match words*: lower-cased, NFKC, stopwords and
filler ("again", "manually", "by hand") dropped, abbreviations spelt out ("prod" →
"production") and crudely stemmed, so inflections meet::

    >>> title_words("Reconciling the Stripe payouts again, by hand")
    ('reconcil', 'strip', 'payout')

Built-in knowledge, kept small and general (the workspace's own word counts do the rest):

- ``GENERIC``: work verbs and nouns that appear in every kind of work ("update", "send",
  "sheet", "report"): they say little about which process a title names;
- ``OPPOSITES``: verbs that undo each other (create/delete, import/export, …) and
  ``EXCLUSIVE`` families whose members never mean the same (daily/weekly, staging/production):
  a title with one and a title with another are two processes;
- ``is_typo_of``: two words one slip apart (a swap, a missing or extra letter), starting
  with the same letter and long enough that the slip can't make another word easily.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

# fmt: off
STOPWORDS = frozenset({
    "a", "an", "the", "of", "for", "to", "into", "in", "on", "onto", "at", "by", "from", "with",
    "and", "or", "but", "as", "per", "via", "this", "that", "these", "those", "my", "our",
    "your", "their", "its", "his", "her", "i", "we", "you", "he", "she", "they", "it", "me",
    "us", "them", "is", "are", "was", "were", "be", "been", "am", "do", "did", "does", "doing",
    "some", "any", "all", "every", "each", "just", "also", "then", "very", "more", "most",
    "when", "after", "before", "out", "over", "off", "about",
})
# Words that say how or when the work was done, not what it was.
FILLER = frozenset({
    "again", "today", "yesterday", "tonight", "manually", "manual", "hand", "quickly",
    "usual", "as", "please", "still", "once", "same", "stuff", "things", "thing", "bit",
    "requested", "request",
})
# Abbreviations a team types, written out (applied before stemming).
ABBREVIATIONS = {
    "prod": "production", "eng": "engineering", "db": "database", "dbs": "database",
    "certs": "certificates", "cert": "certificate", "params": "parameters",
    "param": "parameter", "docs": "documents", "doc": "document", "info": "information",
    "centre": "center", "enrol": "enroll", "cashflow": "cash flow",
}
# Generic work verbs and nouns: low information whatever the workspace.
GENERIC_WORDS = (
    "update", "send", "check", "review", "prepare", "make", "run", "process", "handle",
    "manage", "fix", "copy", "move", "enter", "fill", "pull", "push", "compile", "collect",
    "chase", "follow", "track", "log", "record", "post", "share", "upload", "download",
    "sync", "edit", "write", "draft", "build", "create", "delete", "add", "remove", "get",
    "put", "set", "up", "clean", "cleanup", "tidy", "sort", "do", "reconcile", "match",
    "report", "sheet", "spreadsheet", "document", "file", "list", "data", "email", "message",
    "task", "form", "number", "summary", "note", "information", "detail", "new", "old",
    "team", "work", "job", "item", "record", "entry", "answer", "reply", "respond",
    "approve", "look", "find", "put", "give", "take", "open", "close", "start", "stop",
    "print", "order", "book", "schedule", "organise", "organize", "plan", "pay", "invoice",
    "customer", "client", "user", "account", "people", "staff", "request", "ticket",
    "issue", "export", "import", "generate", "calculate", "analyse", "analyze", "audit",
    "test", "refresh", "restart", "reset", "rebuild", "install", "setup", "configure",
    "all", "list", "next", "first", "last", "week", "month", "day", "year", "time",
)
OPPOSITE_PAIRS = (
    ("create", "delete"), ("create", "remove"), ("add", "remove"), ("add", "delete"),
    ("import", "export"), ("onboard", "offboard"), ("deploy", "rollback"), ("deploy", "revert"),
    ("enable", "disable"), ("open", "close"), ("grant", "revoke"), ("start", "stop"),
    ("upgrade", "downgrade"), ("approve", "reject"), ("approve", "deny"), ("lock", "unlock"),
    ("encrypt", "decrypt"), ("install", "uninstall"), ("subscribe", "unsubscribe"),
    ("publish", "unpublish"), ("archive", "unarchive"), ("freeze", "unfreeze"),
    ("mute", "unmute"), ("assign", "unassign"), ("enroll", "unenroll"), ("pause", "resume"),
    ("activate", "deactivate"), ("invite", "deactivate"), ("hire", "fire"), ("up", "down"),
    ("upload", "download"), ("login", "logout"), ("backup", "restore"),
    ("buy", "sell"), ("send", "receive"), ("hire", "leaver"), ("starter", "leaver"),
    ("renew", "cancel"), ("book", "cancel"), ("order", "return"), ("apply", "remove"),
    ("encode", "decode"), ("merge", "split"), ("pay", "refund"), ("charge", "refund"),
    ("connect", "disconnect"), ("join", "leave"), ("sign", "countersign"),
)
EXCLUSIVE_FAMILIES = (
    ("hourly", "daily", "nightly", "weekly", "fortnightly", "monthly", "quarterly", "yearly",
     "annual", "annually"),
    ("staging", "production", "dev", "development", "sandbox", "demo", "qa"),
    ("morning", "afternoon", "evening", "night"),
    ("inbound", "outbound"),
    ("incoming", "outgoing"),
)
# fmt: on

_TOKEN_RE = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
_ACRONYM_RE = re.compile(r"[A-Z]{2,4}")


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A crude English stemmer: enough for inflections to meet ("payouts"/"payout",
    "updating"/"updated"/"update", "reconciliation"/"reconcile", "labelling"/"labeling")."""
    if len(word) < 3 or not word.isalpha():
        return word
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ied"):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 7 and word.endswith("ment"):
        word = word[:-4]
    if len(word) > 7 and word.endswith("iation"):
        word = word[:-6]
    elif len(word) > 6 and word.endswith("ation"):
        word = word[:-3]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouy" and word[-1] != "s":
        word = word[:-1]
    return word


GENERIC = frozenset(stem(w) for w in GENERIC_WORDS)
OPPOSITES = frozenset(frozenset((stem(a), stem(b))) for a, b in OPPOSITE_PAIRS)
EXCLUSIVE = {stem(w): n for n, family in enumerate(EXCLUSIVE_FAMILIES) for w in family}


_NON_WORD_RE = re.compile(r"[\W_]+")


def normalize_title(title: str) -> str:
    """The stored, readable form of a title: lower-case, NFKC, no punctuation or stopwords.

    >>> normalize_title("Copying leads into the CRM!")
    'copying leads crm'
    """
    text = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(w for w in _NON_WORD_RE.sub(" ", text).split() if w not in STOPWORDS)


def _tokens(title: str) -> list[str]:
    """The raw words of a title; an acronym typed in capitals ("US", "IT") is kept even
    when its lower case is a stopword; a hyphen with a short or stop part joins ("re-run",
    "W-9", "on-call"), another splits ("follow-up")."""
    text = unicodedata.normalize("NFKC", title)
    words: list[str] = []
    for token in _TOKEN_RE.findall(text):
        parts = token.split("-")
        if len(parts) > 1 and any(len(p) <= 2 or p.casefold() in STOPWORDS for p in parts):
            parts = ["".join(parts)]
        for part in parts:
            lower = part.casefold()
            if _ACRONYM_RE.fullmatch(part) and lower in STOPWORDS:
                words.append(lower + "_")  # "US" or "IT" in capitals: a place, a team
            elif lower not in STOPWORDS:
                words.append(lower)
    return words


@lru_cache(maxsize=65_536)
def title_words(title: str) -> tuple[str, ...]:
    """The match words of a title, in order, each once (see the module docstring)."""
    out: list[str] = []
    for word in _tokens(title):
        for written in ABBREVIATIONS.get(word, word).split():
            if written in FILLER:
                continue
            stemmed = stem(written)
            if stemmed and stemmed not in out:
                out.append(stemmed)
    return tuple(out)


def match_key(title: str) -> str:
    """What a title is remembered by (a rejected pair): its match words, sorted.

    >>> match_key("Update the pricing sheet") == match_key("pricing sheets: update")
    True
    """
    return " ".join(sorted(title_words(title)))


def may_be_typo(word: str) -> bool:
    """Whether a word is long and plain enough to be matched despite a typo."""
    return len(word) >= 5 and word.isalpha()


def is_typo_of(word: str, other: str) -> bool:
    """One slip apart (two for long words), the same first letter, both long enough."""
    if word == other or not (may_be_typo(word) and may_be_typo(other)):
        return False
    if word[0] != other[0] or abs(len(word) - len(other)) > 2:
        return False
    allowed = 2 if min(len(word), len(other)) >= 9 else 1
    return OSA.distance(word, other, score_cutoff=allowed) <= allowed


def typo_range(word: str) -> tuple[str, int, int]:
    """Where a typo of `word` can be among the vocabulary: its first letter and the
    shortest and longest length (lets an index read only those words)."""
    return word[0], len(word) - 2, len(word) + 2


def opposite(a: str, b: str) -> bool:
    """Whether two words undo each other or are two members of one exclusive family."""
    if frozenset((a, b)) in OPPOSITES:
        return True
    for prefix in ("un", "de", "dis"):
        if a == prefix + b or b == prefix + a:
            return True  # lock/unlock, activate/deactivate, connect/disconnect
    family = EXCLUSIVE.get(a)
    return family is not None and a != b and EXCLUSIVE.get(b) == family
