"""Faults as answers: what a person is told when their request failed for a reason that
isn't theirs (the database, Slack, a bug), saying whether anything was saved."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot.errors import LOST_DATABASE, NO_DATABASE, SORRY, SORRY_UNSURE, TOO_SLOW, UserError
from bot.mrkdwn import Mrkdwn
from storage.db import DatabaseTimeout, DatabaseUnavailable, rolled_back

log = logging.getLogger("handlers.context")


def apology(err: BaseException) -> Mrkdwn:
    """The answer to a request that `err` ended (anything but a user error)."""
    if isinstance(err, DatabaseUnavailable):
        if not err.rolled_back:
            return LOST_DATABASE
        return TOO_SLOW if isinstance(err, DatabaseTimeout) else NO_DATABASE
    return SORRY if rolled_back(err) else SORRY_UNSURE


def log_fault(err: BaseException, what: str) -> None:
    """A database fault is one line (the watchdog said why); anything else a traceback."""
    if isinstance(err, DatabaseUnavailable):
        log.warning("%s: %s", what, err)
    else:
        log.exception(what, exc_info=err)


@contextmanager
def answering(answer: Callable[[Mrkdwn], None], what: str = "Listener failed") -> Iterator[None]:
    """Turn a failure of the block into an answer: a user error's own words, else an
    apology that says whether anything was saved. Never re-raises: Slack gets its answer."""
    try:
        yield
    except UserError as err:
        answer(err.text)
    except Exception as err:
        log_fault(err, what)
        answer(apology(err))
