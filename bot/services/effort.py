"""The use cases of decisions about a process: its effort (the estimate, or once retired
the hours it took) and its steps written down, each edit a version. On a session the
caller owns (one transaction per request)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.domain import windows
from bot.domain.cards import ProcessCard
from bot.domain.payback import Candidate
from bot.domain.payback import by_payback as rank_by_payback
from bot.domain.people import Actor
from bot.domain.rules import require_manage, sight_of
from bot.domain.states import OPEN_STATUSES, Status
from bot.errors import UserError
from bot.mrkdwn import Mrkdwn
from bot.services.cards import card, card_for, cards_for, with_steps
from storage import rollups, steps
from storage.models import Process, Workspace

# A report reply offers "Write down the steps" from this report of a process on.
STEPS_ASKED_FROM_REPORT = 3


def set_effort(session: Session, actor: Actor, process: Process, *, hours: float) -> ProcessCard:
    """The hours automating the process will take; once it is retired, the hours it took
    (its realised savings follow). Only who may manage it says so."""
    require_manage(actor, process, what="say how long automating it takes")
    if process.status == Status.RETIRED:
        process.actual_hours = hours
    else:
        process.effort_hours = hours
    return card_for(session, process, now=actor.now)


def write_steps(session: Session, actor: Actor, process: Process, *, text: str) -> ProcessCard:
    """Keep `text` as the next version of the process's steps (anyone who may see it
    may write them: who does the work knows them). The card carries the steps; a text
    the same as the latest keeps the version it had."""
    if not text.strip():
        raise UserError(Mrkdwn("Write at least one step, or close the form to keep them."))
    session.refresh(process, with_for_update=True)  # two saves at once: two versions in turn
    steps.add_version(session, process=process, text=text, author_id=actor.user_id, now=actor.now)
    return with_steps(session, [card_for(session, process, now=actor.now)])[0]


def card_with_steps(session: Session, actor: Actor, process: Process) -> ProcessCard:
    """The process's card with its latest steps."""
    return with_steps(session, [card_for(session, process, now=actor.now)])[0]


def asks_for_steps(card: ProcessCard) -> bool:
    """A report reply offers "Write down the steps": from the third report of a process
    that has none written down (the card's own statement says whether it has)."""
    return card.count >= STEPS_ASKED_FROM_REPORT and not card.documented


def by_payback(session: Session, actor: Actor, *, limit: int) -> tuple[list[ProcessCard], int]:
    """The open processes in sight ranked by payback (bot/domain/payback.py), their cost
    read over the ranking's whole UTC days from the rollups; the first `limit` as cards
    (each with its own cost, as cards.py counts it), and how many there are."""
    loads = rollups.loads(
        session, sight=sight_of(actor), window=windows.ranking(actor.now), statuses=OPEN_STATUSES
    )
    ws = session.get(Workspace, actor.team_id)
    found = {pl.process.ref: pl.process for pl in loads}
    weekly = {  # as a card counts it: the declared figure while reports are too few
        pl.process.ref: card(
            pl.process, count=pl.reports, minutes=pl.minutes, workspace=ws
        ).minutes_per_week
        for pl in loads
    }
    ranked = rank_by_payback(
        [Candidate(ref, weekly[ref], found[ref].effort_hours) for ref in found]
    )
    chosen = [found[c.ref] for c in ranked[:limit]]
    return cards_for(session, chosen, now=actor.now), len(ranked)
