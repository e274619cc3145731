"""The states and kinds the domain talks about, as types: a process's status, an answer to a
prompt, the kind of a prompt, where a report came from, and what a posted message was.

They are `StrEnum`s, so they are stored as the same words as before and compare equal to
them (`Status.RETIRED == "retired"`), but a typo is a NameError, not a silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A process's status: `manual` → `automating` → `retired`; or `accepted` (not worth
    automating, back for review on a date); `merged` into another process."""

    MANUAL = "manual"
    AUTOMATING = "automating"
    ACCEPTED = "accepted"
    RETIRED = "retired"
    MERGED = "merged"


# Still part of the manual load: shown in lists, asked about, counted as manual work.
OPEN_STATUSES: tuple[Status, ...] = (Status.MANUAL, Status.AUTOMATING, Status.ACCEPTED)


class PromptKind(StrEnum):
    """What the bot asked about a process: the owner's nudge, the follow-up on work being
    automated, or the channel's "who owns this?"."""

    NUDGE = "nudge"
    FOLLOWUP = "followup"
    WHO_OWNS = "who_owns"


class Answer(StrEnum):
    """How a prompt about a process was answered."""

    AUTOMATING = "automating"
    AUTOMATED = "automated"
    RETIRED = "retired"  # retired elsewhere, so the prompt's question is settled
    NOT_WORTH = "not_worth"
    SNOOZED = "snoozed"
    NOT_MINE = "not_mine"
    STILL_WORKING = "still_working"
    OWNED = "owned"


class Source(StrEnum):
    """Where a report came from."""

    COMMAND = "command"
    MENTION = "mention"
    FORM = "modal"
    REACTION = "reaction"


class Posted(StrEnum):
    """What a message the bot posted was, so that reactions on it can be understood."""

    REPORT_REPLY = "report_reply"
    CELEBRATION = "celebration"
    NUDGE = "nudge"
    WHO_OWNS = "who_owns"
    DIGEST = "digest"
