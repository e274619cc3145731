"""What a Workflow Builder step and a shortcut bring in, read as the bot reads a report
(pure: no Slack, no database).

A step's inputs arrive as Workflow Builder filled them in: `function_executed` carries
`inputs` ({"what": "Run payroll", "minutes": 45, "who": "U1", "channel": "C1"}); anything
missing or of the wrong kind is a `UserError` saying which input and what it takes.

>>> log_inputs({"what": "Run payroll", "minutes": "45", "who": "U1", "channel": "C1"})
LogInputs(what='Run payroll', minutes=45, who='U1', channel='C1', process_ref=None)
>>> title_of_message("Can someone *reconcile* the payouts?\\nThanks <@U1|ana>")
'Can someone reconcile the payouts?'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.domain.cards import ProcessCard
from bot.domain.durations import MAX_MINUTES, format_minutes
from bot.errors import UserError
from bot.mrkdwn import Mrkdwn, from_slack

TITLE_AT_MOST = 100  # a message's first line, as the report form's title
_USER = re.compile(r"^[UW][A-Z0-9_]{2,20}$")
_CHANNEL = re.compile(r"^[CGD][A-Z0-9_]{2,20}$")
_FORMATTING = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")


@dataclass(frozen=True)
class LogInputs:
    """The "Log manual work" step's inputs, checked."""

    what: str
    minutes: int
    who: str
    channel: str
    process_ref: str | None = None


def log_inputs(inputs: Any) -> LogInputs:
    """The inputs of "Log manual work", or a UserError naming the one that's wrong."""
    got = inputs if isinstance(inputs, dict) else {}
    what = got.get("what")
    if not isinstance(what, str) or not what.strip():
        raise UserError(Mrkdwn("The step needs “what”: the work done by hand, in a few words."))
    who, channel = got.get("who"), got.get("channel")
    if not isinstance(who, str) or not _USER.match(who):
        raise UserError(Mrkdwn("The step needs “who”: the person who did the work."))
    if not isinstance(channel, str) or not _CHANNEL.match(channel):
        raise UserError(Mrkdwn("The step needs “channel”: the channel whose work it is."))
    ref = got.get("process_id")
    if ref is not None and not isinstance(ref, str):
        raise UserError(Mrkdwn("“process_id” is a process id like P7, as `list` shows."))
    return LogInputs(
        what=" ".join(what.split()),
        minutes=_minutes(got.get("minutes")),
        who=who,
        channel=channel,
        process_ref=(ref or "").strip() or None,
    )


def cost_ref(inputs: Any) -> str:
    """The process id "Get a process's cost" asks about."""
    ref = (inputs if isinstance(inputs, dict) else {}).get("process_id")
    if not isinstance(ref, str) or not ref.strip():
        raise UserError(Mrkdwn("The step needs “process_id”: a process id like P7."))
    return ref.strip()


def _minutes(value: Any) -> int:
    """Whole minutes from 1 to the most one report may count (a number, or its digits)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not 0 < value <= MAX_MINUTES:
        raise UserError(
            Mrkdwn("“minutes” must be a whole number of minutes, from 1 to {}.").format(
                int(MAX_MINUTES)
            )
        )
    return value


def outputs(card: ProcessCard) -> dict[str, Any]:
    """What both steps give the next steps of a workflow: the process id, its title, its
    cost a week (in minutes, to branch on, and as people read it) and its status."""
    weekly = card.minutes_per_week
    return {
        "process_id": card.ref,
        "title": card.title,
        "minutes_per_week": int(weekly + 0.5),
        "cost_per_week": f"{format_minutes(weekly)} a week",
        "status": str(card.status),
    }


def title_of_message(text: str) -> str:
    """A message's text as a report's title: its first line, as people read it (mentions
    and links as words, no bold or italics), shortened at a word to 100 characters."""
    readable = from_slack(text or "")
    line = next((x for x in readable.splitlines() if x.strip()), "")
    line = " ".join(_FORMATTING.sub("", line).split())
    if len(line) <= TITLE_AT_MOST:
        return line
    cut = line[: TITLE_AT_MOST - 1].rsplit(" ", 1)[0].rstrip(" ,.:;(")
    return cut + "…"
