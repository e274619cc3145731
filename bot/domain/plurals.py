"""Counted nouns for people: the one place a message says "1 report" or "2 reports".

Every builder that puts a number before a noun goes through :func:`count`, so no message
says "1 reports" or "…and 1 more processes"::

    >>> count(1, "report"), count(2, "report"), count(1_200, "process")
    ('1 report', '2 reports', '1,200 processes')
    >>> count(1, "person", "people"), times(1), times(3)
    ('1 person', 'once', '3 times')

A hint that names no real process of the person's uses the placeholders :data:`EXAMPLE_REF`
and :data:`OTHER_REF` (`Pn`, `Pm`): they read as "a process id" and can never be someone's
real, unrelated `P7`.
"""

from __future__ import annotations

from collections.abc import Sequence

EXAMPLE_REF = "Pn"
OTHER_REF = "Pm"
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")


def noun(n: int, one: str, many: str | None = None) -> str:
    """The noun alone, singular for exactly one: noun(2, "process") is "processes"."""
    if n == 1:
        return one
    if many is not None:
        return many
    if one.endswith(_SIBILANT_ENDINGS):
        return one + "es"
    if one.endswith("y") and one[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return one[:-1] + "ies"
    return one + "s"


def count(n: int, one: str, many: str | None = None) -> str:
    """The number with its noun: '1 report', '12 reports', '1,234 processes'."""
    return f"{n:,} {noun(n, one, many)}"


def times(n: int) -> str:
    """How often: 'once', '2 times', '3 times'."""
    return "once" if n == 1 else f"{n:,} times"


def example_ref(refs: Sequence[str] = ()) -> str:
    """The process id a hint shows: the first of the ones just shown to the person, when
    there are any (a real, relevant process), else the placeholder `Pn`."""
    return refs[0] if refs else EXAMPLE_REF
