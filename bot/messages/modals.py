"""Modal views (pure): report, retire, not worth it, reassign."""

from __future__ import annotations

import json

from bot.domain.cards import ProcessCard
from bot.ids import Callback, Field
from bot.messages.blocks import (
    Block,
    channel_input,
    context,
    modal,
    section,
    select_input,
    text_input,
    user_input,
)
from bot.messages.reports import name
from bot.mrkdwn import Mrkdwn, link

HOW_OFTEN = [  # values are bot/domain/costs.py FREQUENCIES ("once" declares nothing)
    ("Every day", "daily"),
    ("A few times a week", "few-weekly"),
    ("Every week", "weekly"),
    ("Every two weeks", "fortnightly"),
    ("Every month", "monthly"),
    ("Just this once", "once"),
]
NOT_WORTH_REASONS = [
    ("No time", "no time"),
    ("No access", "no access"),
    ("Too risky", "too risky"),
    ("Below break-even", "below break-even"),
    ("Another team's", "another team's"),
    ("Other", "other"),
]


def metadata(**values: object) -> str:
    return json.dumps(values, separators=(",", ":"))


def report_modal(
    *,
    channel_id: str | None,
    private: bool = True,
    what: str | None = None,
    link_to: str | None = None,
    who: str | None = None,
    pick_channel: bool = False,
) -> Block:
    """The report form; it remembers its channel, and whether that channel is a public
    one (a process first reported there is public: bot/domain/rules.py).

    From a shortcut it is prefilled: `what` (the message, as a title), `link_to` (the
    message's permalink, which the process keeps), and a "Who did it?" picker starting at
    `who` (the person who used the shortcut); from the ⚡ menu (`pick_channel`) it asks
    which channel's work it is, since a global shortcut has no channel."""
    blocks: list[Block] = []
    if link_to:
        blocks.append(context(Mrkdwn("From the message {}").format(link(link_to))))
    blocks += [
        text_input(
            Field.WHAT,
            "What did you do by hand?",
            placeholder="Reconcile Stripe payouts",
            max_length=150,
            initial=what,
        ),
        text_input(
            Field.HOW_LONG,
            "How long did it take?",
            placeholder="45m, 1h30m, 1.5h",
            hint="Leave empty for the default of 15 minutes.",
            optional=True,
        ),
        select_input(Field.HOW_OFTEN, "How often do you do it?", HOW_OFTEN, optional=True),
    ]
    if who is not None:
        blocks.append(user_input(Field.WHO, "Who did it?", initial=who))
    if pick_channel:
        blocks.append(channel_input(Field.CHANNEL, "Which channel's work is it?"))
    blocks.append(text_input(Field.NOTES, "Notes", multiline=True, optional=True, max_length=1000))
    remembered: dict[str, object] = {"channel": channel_id, "public": not private}
    if link_to:
        remembered["link"] = link_to
    if who is not None:
        remembered["shortcut"] = True
    return modal(
        Callback.REPORT,
        "Report manual work",
        blocks,
        submit="Report",
        private_metadata=metadata(**remembered),
    )


def retire_modal(card: ProcessCard, *, message: dict[str, str] | None = None) -> Block:
    return modal(
        Callback.RETIRE,
        "It's automated",
        [
            section(Mrkdwn("{}: how was it automated?").format(name(card))),
            text_input(
                Field.LINK,
                "Link to the automation",
                placeholder="https://github.com/acme/ops/pull/42",
                hint="The script, pull request or runbook that does it now.",
            ),
            text_input(
                Field.HOW,
                "In one line, how",
                optional=True,
                max_length=300,
                placeholder="A nightly job reconciles the payouts and posts the diff",
            ),
            text_input(
                Field.ACTUAL_HOURS,
                "Hours automating it took",
                optional=True,
                placeholder="20h, 3d",
                hint="Optional: its realised savings are the break-even less these hours.",
            ),
        ],
        submit="Retire it",
        private_metadata=metadata(process=card.process_id, message=message),
    )


def not_worth_modal(card: ProcessCard, *, message: dict[str, str] | None = None) -> Block:
    return modal(
        Callback.NOT_WORTH,
        "Not worth automating",
        [
            section(Mrkdwn("{}: why not automate it?").format(name(card))),
            select_input(Field.REASON, "Reason", NOT_WORTH_REASONS),
            text_input(Field.REASON_NOTE, "Anything to add?", optional=True, max_length=300),
            context(Mrkdwn("It comes back for review in 90 days.")),
        ],
        submit="Save",
        private_metadata=metadata(process=card.process_id, message=message),
    )


def reassign_modal(card: ProcessCard, *, message: dict[str, str] | None = None) -> Block:
    return modal(
        Callback.REASSIGN,
        "Who owns this?",
        [
            section(Mrkdwn("{}: who should own it?").format(name(card))),
            user_input(Field.NEW_OWNER, "New owner"),
        ],
        submit="Reassign",
        private_metadata=metadata(process=card.process_id, message=message),
    )


def notice_view(text: Mrkdwn) -> Block:
    """A one-line modal that replaces a form which could not be handled."""
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Automation Coach"},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}],
    }
