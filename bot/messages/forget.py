"""Deleting one person's data (pure): the admin's question with its two buttons, and what
was done."""

from __future__ import annotations

from bot.domain.plurals import count
from bot.ids import Action
from bot.messages.blocks import Message, actions, button, section
from bot.mrkdwn import Mrkdwn, escape, mention

NOT_ADMIN = Mrkdwn("Only a workspace admin can delete someone's reports.")


def _what(reports: int, processes: int) -> Mrkdwn:
    said = escape(count(reports, "report"))
    if processes:
        goes = "goes" if processes == 1 else "go"
        said = Mrkdwn("{} ({} {} with them: nobody else reported {})").format(
            said, count(processes, "process"), goes, "it" if processes == 1 else "them"
        )
    return said


def confirm(user_id: str, *, reports: int, processes: int) -> Message:
    """ "Delete @maria's 12 reports for good?" [Delete for good] [Cancel]."""
    text = Mrkdwn(
        "Delete {}'s {} for good, with what I know of them? Processes others reported stay, "
        "without their name. This can't be undone."
    ).format(mention(user_id), _what(reports, processes))
    return text, [
        section(text),
        actions(
            button("Delete for good", Action.FORGET, user_id, style="danger"),
            button("Cancel", Action.FORGET_CANCEL, user_id),
        ),
    ]


def forgotten(user_id: str, *, reports: int, processes: int) -> Mrkdwn:
    return Mrkdwn("Deleted {}'s {}. Nothing else of theirs is kept.").format(
        mention(user_id), _what(reports, processes)
    )


def cancelled(user_id: str) -> Mrkdwn:
    return Mrkdwn("Nothing was deleted: {}'s reports stay.").format(mention(user_id))
