"""A process's history as `show P7` lists it: one line per change, newest last (pure).

• <date> · reported by @ana
• <date> · retired by @ana: github.com/acme/ops/pull/42
• <date> · came back: reported again by @ben
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.history import HistoryLine
from bot.domain.states import Event
from bot.messages.blocks import Block, section
from bot.mrkdwn import Mrkdwn, date, is_safe_link, link, mention

SHOWN = 6  # how many of the latest events `show` lists

_WHAT: dict[Event, str] = {
    Event.REPORTED: "reported",
    Event.OWNED: "taken on",
    Event.REASSIGNED: "handed over",
    Event.AUTOMATING: "being automated",
    Event.RETIRED: "retired",
    Event.MERGED: "merged",
    Event.MERGED_IN: "merged in",
    Event.CAME_BACK: "came back: reported again",
    Event.ACCEPTED: "accepted as manual",
    Event.SNOOZED: "snoozed for two weeks",
    Event.RELEASED: "back to nobody",
    Event.VERIFIED: "verified: not done by hand for 8 weeks since it was retired",
}


def history_line(line: HistoryLine) -> Mrkdwn:
    """'• <date> · retired by @ana: <link>': what happened, who did it, and how."""
    when = date(line.at, "date_short", line.at.strftime("%d %b %Y"))
    what = Mrkdwn(_WHAT[line.kind])
    if line.kind in (Event.OWNED, Event.REASSIGNED):
        took = (None, line.detail) if line.kind == Event.OWNED else (line.detail,)
        by_themselves = line.actor_id in took
        if by_themselves:  # a process taken from its owner is taken over, not handed
            said = "taken on by {}" if line.kind == Event.OWNED else "taken over by {}"
        else:
            said = "handed to {}"
        what = Mrkdwn(said).format(mention(line.detail))
        if not by_themselves and line.actor_id:
            what += Mrkdwn(" by {}").format(mention(line.actor_id))
    elif line.kind == Event.MERGED_IN and line.detail:
        what = Mrkdwn("{} merged in").format(line.detail)
        if line.actor_id:
            what += Mrkdwn(" by {}").format(mention(line.actor_id))
    elif line.kind == Event.RELEASED:
        what = Mrkdwn("back to nobody: Slack can't reach {} any more").format(mention(line.detail))
    elif line.actor_id:
        what += Mrkdwn(" by {}").format(mention(line.actor_id))
    if line.kind == Event.MERGED and line.detail:
        what += Mrkdwn(" into {}").format(line.detail)
    elif line.kind in (Event.RETIRED, Event.ACCEPTED) and line.detail:
        how = link(line.detail) if is_safe_link(line.detail) else Mrkdwn("{}").format(line.detail)
        what += Mrkdwn(": ") + how
    return Mrkdwn("• {} · ").format(when) + what


def history_block(lines: Sequence[HistoryLine], *, total: int) -> Block:
    """'*History*' and the lines given (the latest ones, oldest first), with '… and 3
    earlier' above them when there are more than shown."""
    rows = [history_line(line) for line in lines]
    earlier = total - len(lines)
    if earlier > 0:
        rows.insert(0, Mrkdwn("… and {} earlier").format(earlier))
    return section(Mrkdwn("*History*\n") + Mrkdwn("\n").join(rows))
