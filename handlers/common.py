"""What every listener shares: turning user-facing errors and faults into answers."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.errors import UserError
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn
from storage.db import DatabaseTimeout, DatabaseUnavailable, rolled_back

log = logging.getLogger(__name__)

USER_ERRORS = (UserError,)  # CommandError and DurationError are UserErrors too
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


def apology(err: BaseException) -> Mrkdwn:
    """The answer to a request that `err` ended (anything but a user error)."""
    if isinstance(err, DatabaseUnavailable):
        if not err.rolled_back:
            return LOST_DATABASE
        return TOO_SLOW if isinstance(err, DatabaseTimeout) else NO_DATABASE
    return SORRY if rolled_back(err) else SORRY_UNSURE


def _log_fault(err: BaseException, what: str) -> None:
    """A database fault is one line (the watchdog said why); anything else a traceback."""
    if isinstance(err, DatabaseUnavailable):
        log.warning("%s: %s", what, err)
    else:
        log.exception(what)


@contextmanager
def answering_errors(ack: Callable[..., Any]) -> Iterator[None]:
    """Acknowledge with the error's message when the block raises: Slack always gets an
    answer within its 3 seconds, and the person learns what to do next.

    An unexpected error is logged here rather than re-raised: when a listener raises after
    ack(), Bolt's thread runner throws the acknowledgement away, and Slack gets a 404 after
    3 seconds instead of the answer."""
    try:
        yield
    except USER_ERRORS as err:
        ack(text=err.text, blocks=notice(err.text)[1])
    except Exception as err:
        _log_fault(err, "Listener failed")
        ack(text=apology(err), blocks=notice(apology(err))[1])


@contextmanager
def answering_privately(
    respond: Callable[..., Any] | None, client: Any = None, user_id: str | None = None
) -> Iterator[None]:
    """For work after ack() (buttons): tell the person, in private, why it didn't happen.

    Errors are not re-raised, for the reason given in `answering_errors`; an unexpected
    one is logged and the person gets the generic apology."""
    try:
        yield
    except USER_ERRORS as err:
        _tell(respond, err.text, client, user_id)
    except Exception as err:
        _log_fault(err, "Listener failed after its acknowledgement")
        _tell(respond, apology(err), client, user_id)


def privately_answered(listener: Callable[..., Any]) -> Callable[..., Any]:
    """Run a listener that declares `respond` inside `answering_privately`. Bolt reads the
    arguments to pass from the wrapped function, so the signature stays the listener's."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        body = kwargs.get("body") or {}
        respond = kwargs.get("respond")
        if respond is None and body.get("response_url"):
            from slack_bolt.context.respond import Respond

            respond = Respond(response_url=body["response_url"])
        user_id = (body.get("user") or {}).get("id")
        with answering_privately(respond, kwargs.get("client"), user_id):
            return listener(**kwargs)

    return run


def _tell(
    respond: Callable[..., Any] | None,
    text: Mrkdwn,
    client: Any = None,
    user_id: str | None = None,
) -> None:
    """Privately: through the response_url when the click came from a message, else (the
    App Home has none) by direct message."""
    try:
        if respond is not None:
            respond(text=text, response_type="ephemeral", replace_original=False)
            return
        if client is not None and user_id:
            from bot.announce import dm

            if dm(client, user_id=user_id, text=text, blocks=notice(text)[1]):
                return
    except Exception:
        pass
    log.warning("could not tell the user: %s", text)


def team_of(body: dict[str, Any], context: Any) -> str:
    team = context.get("team_id") or (body.get("team") or {}).get("id") or body.get("team_id")
    if not team:
        raise UserError(Mrkdwn("I couldn't tell which workspace this came from."))
    return str(team)
