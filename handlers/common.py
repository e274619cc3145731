"""What every listener shares: turning user-facing errors into answers."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.domain.commands import CommandError
from bot.domain.durations import DurationError
from bot.errors import UserError
from bot.messages.reports import notice

log = logging.getLogger(__name__)

USER_ERRORS = (UserError, CommandError, DurationError)
SORRY = "Something went wrong on my side and nothing was saved. Please try again in a minute."


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
        ack(text=str(err), blocks=notice(str(err))[1])
    except Exception:
        log.exception("Listener failed")
        ack(text=SORRY, blocks=notice(SORRY)[1])


@contextmanager
def answering_privately(respond: Callable[..., Any]) -> Iterator[None]:
    """For work after ack() (buttons): tell the person, in private, why it didn't happen.

    Errors are not re-raised, for the reason given in `answering_errors`; an unexpected
    one is logged and the person gets the generic apology."""
    try:
        yield
    except USER_ERRORS as err:
        _tell(respond, str(err))
    except Exception:
        log.exception("Listener failed after its acknowledgement")
        _tell(respond, SORRY)


def privately_answered(listener: Callable[..., Any]) -> Callable[..., Any]:
    """Run a listener that declares `respond` inside `answering_privately`. Bolt reads the
    arguments to pass from the wrapped function, so the signature stays the listener's."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        with answering_privately(kwargs["respond"]):
            return listener(**kwargs)

    return run


def _tell(respond: Callable[..., Any], text: str) -> None:
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except Exception:
        log.warning("could not tell the user: %s", text)


def team_of(body: dict[str, Any], context: Any) -> str:
    team = context.get("team_id") or (body.get("team") or {}).get("id") or body.get("team_id")
    if not team:
        raise UserError("I couldn't tell which workspace this came from.")
    return str(team)
