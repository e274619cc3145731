"""Errors meant for the person who caused them: the message is shown to them as is.

Each carries its answer as :class:`~bot.mrkdwn.Mrkdwn` (`err.text`), so whatever the person
typed that it quotes was escaped when the message was made.
"""

from bot.mrkdwn import Mrkdwn


class UserError(Exception):
    """Bad input or a refused action; nothing was changed. `err.text` is the answer."""

    def __init__(self, text: Mrkdwn) -> None:
        super().__init__(text)
        self.text = text if isinstance(text, Mrkdwn) else Mrkdwn("{}").format(text)


class NotAllowed(UserError):
    """The person may not do this (only the owner, the reporter or an admin may)."""


class Settled(UserError):
    """An answer to a question that is no longer open (the process retired, owned by
    someone else, or asked about in a newer message): no field of a form can fix it, so a
    form says it in place of the form, where mentions show as names."""


# A fault's answer says what happened, whether anything was stored, and what to do.
# "Nothing was saved" only when the transaction was certainly rolled back.
SORRY = Mrkdwn(
    "Something went wrong on my side and nothing was saved. Please try again in a minute."
)
SORRY_UNSURE = Mrkdwn(
    "Something went wrong on my side, and this may not have been saved. "
    "Please check in a minute before you try again."
)
TOO_SLOW = Mrkdwn("That took me too long, so nothing was saved. Please try again in a minute.")
NO_DATABASE = Mrkdwn(
    "I can't reach my database right now, so nothing was saved. Please try again in a few minutes."
)
LOST_DATABASE = Mrkdwn(
    "I lost my database while saving this, so it may not have been saved. "
    "Please check in a few minutes before you try again."
)
WHO = Mrkdwn("I couldn't tell who or which workspace this came from, so I did nothing.")
