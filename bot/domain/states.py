"""The states and kinds the domain talks about, as types: a process's status, an answer to a
prompt, the kind of a prompt, where a report came from, and what a posted message was.

They are `StrEnum`s, so they are stored as the same words as before and compare equal to
them (`Status.RETIRED == "retired"`), but a typo is a NameError, not a silent mismatch.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A process's status: `manual` → `automating` → `retired`; or `accepted` (not worth
    automating, back for review on a date); `merged` into another process; `came_back`: it
    was retired and somebody reported it again (manual work once more, until retired again).
    """

    MANUAL = "manual"
    AUTOMATING = "automating"
    ACCEPTED = "accepted"
    RETIRED = "retired"
    MERGED = "merged"
    CAME_BACK = "came_back"


# Still part of the manual load: shown in lists, asked about, counted as manual work.
OPEN_STATUSES: tuple[Status, ...] = (
    Status.MANUAL,
    Status.AUTOMATING,
    Status.ACCEPTED,
    Status.CAME_BACK,
)


class Event(StrEnum):
    """One change in a process's history (storage/history.py keeps them): who made it and
    when is stored with it; `detail` says how (a link, a reason, the ref merged into)."""

    REPORTED = "reported"  # first reported: the process was made
    OWNED = "owned"  # somebody took it on (nobody owned it before)
    REASSIGNED = "reassigned"  # handed from one owner to another
    AUTOMATING = "automating"
    RETIRED = "retired"
    MERGED = "merged"
    MERGED_IN = "merged_in"  # another process was merged into it (`detail`: its ref)
    CAME_BACK = "came_back"  # a retired process reported again
    ACCEPTED = "accepted"  # not worth automating
    SNOOZED = "snoozed"
    RELEASED = "released"  # its owner can't be reached any more: nobody owns it now
    VERIFIED = "verified"  # retired, and no report for 8 weeks since (bot/jobs/verify.py)


# The status each event leaves a process in; the others (owner, snooze) leave it as it was.
STATUS_AFTER: dict[Event, Status] = {
    Event.REPORTED: Status.MANUAL,
    Event.AUTOMATING: Status.AUTOMATING,
    Event.RETIRED: Status.RETIRED,
    Event.MERGED: Status.MERGED,
    Event.CAME_BACK: Status.CAME_BACK,
    Event.ACCEPTED: Status.ACCEPTED,
}


class PromptKind(StrEnum):
    """What the bot asked about a process: the owner's nudge, the follow-up on work being
    automated, or the channel's "who owns this?"."""

    NUDGE = "nudge"
    FOLLOWUP = "followup"
    WHO_OWNS = "who_owns"


class Notice(StrEnum):
    """What a message in the outbox tells a person (storage/outbox.py): each waits for
    their working hours and goes out within their one bot DM of the day."""

    HANDED_OVER = "handed_over"  # a process was passed to them
    TAKEN_OVER = "taken_over"  # someone else took over a process they owned
    RETIRED_FOR_YOU = "retired_for_you"  # someone else retired a process they own
    MERGED_FOR_YOU = "merged_for_you"  # someone else merged a process they own
    CAME_BACK = "came_back"  # a retired process of theirs was done by hand again
    DIGEST_STOPPED = "digest_stopped"  # a digest they set up stopped for good
    STEPS = "steps"  # the steps written down for a process they automate


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
    SHORTCUT = "shortcut"  # the report form opened from a message or the ⚡ menu
    WORKFLOW = "workflow"  # a Workflow Builder step


class Covers(StrEnum):
    """What a channel's digest covers (the rule: bot/domain/rules.py `Sight.of_digest`)."""

    CHANNEL = "channel"  # the processes first reported in that channel (the default)
    WORKSPACE = "workspace"  # every public process of the workspace


class Posted(StrEnum):
    """What a message the bot posted was, so that reactions on it can be understood."""

    REPORT_REPLY = "report_reply"
    CELEBRATION = "celebration"
    NUDGE = "nudge"
    WHO_OWNS = "who_owns"
    DIGEST = "digest"
