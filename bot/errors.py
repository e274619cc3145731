"""Errors meant for the person who caused them: the message is shown to them as is."""


class UserError(Exception):
    """Bad input or a refused action; nothing was changed. `str(err)` is the answer."""


class NotAllowed(UserError):
    """The person may not do this (only the owner, the reporter or an admin may)."""
