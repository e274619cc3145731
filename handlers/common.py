"""What every listener shares: turning user-facing errors into answers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bot.domain.commands import CommandError
from bot.domain.durations import DurationError
from bot.errors import UserError

log = logging.getLogger(__name__)

USER_ERRORS = (UserError, CommandError, DurationError)
SORRY = "Something went wrong on my side and nothing was saved. Please try again in a minute."


@contextmanager
def answering_errors(ack: Callable[..., Any]) -> Iterator[None]:
    """Acknowledge with the error's message when the block raises: Slack always gets an
    answer within its 3 seconds, and the person learns what to do next."""
    try:
        yield
    except USER_ERRORS as err:
        ack(text=str(err))
    except Exception:
        ack(text=SORRY)
        raise


def team_of(body: dict[str, Any], context: Any) -> str:
    team = context.get("team_id") or (body.get("team") or {}).get("id") or body.get("team_id")
    if not team:
        raise UserError("I couldn't tell which workspace this came from.")
    return str(team)
