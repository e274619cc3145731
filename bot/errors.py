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
