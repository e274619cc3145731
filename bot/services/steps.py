"""The Workflow Builder steps' use cases: "Log manual work" stores a report exactly as
`/manual-task` does (the same matching, limits, visibility and de-duplication), and "Get
a process's cost" reads one. Nobody answers a step, so it never asks "Same as P3?": it
joins a confident match or the process it names, else makes a new one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.domain.cards import ProcessCard, ReportResult
from bot.domain.limits import Limits
from bot.domain.people import Actor, Person
from bot.domain.rules import sight_of
from bot.domain.states import Source
from bot.domain.steps import LogInputs
from bot.services import lookup
from bot.services.cards import card_for
from bot.services.reporting import record_report


def log_work(
    session: Session, actor: Actor, inputs: LogInputs, *, execution_id: str, limits: Limits
) -> ReportResult:
    """One report by `inputs.who` (the actor: their limits, what they may see), keyed by
    the step's execution, so a retry of the same run stores nothing twice."""
    named = lookup.find(session, actor, ref=inputs.process_ref) if inputs.process_ref else None
    return record_report(
        session,
        team_id=actor.team_id,
        user_id=actor.user_id,
        channel_id=inputs.channel,
        text=inputs.what,
        source=Source.WORKFLOW,
        slack_key=f"function:{execution_id}",
        now=actor.now,
        minutes=inputs.minutes,
        process=named,
        sight=sight_of(actor),
        private=actor.in_private,
        limits=limits,
        tz=actor.person.tz,
        ask=False,
    )


def cost_of(session: Session, workflow: Actor, ref: str) -> ProcessCard:
    """The card of process `ref`, as a workflow may see it (`as_workflow`)."""
    return card_for(session, lookup.find(session, workflow, ref=ref), now=workflow.now)


def as_workflow(team_id: str, now: datetime) -> Actor:
    """A workflow asking, on behalf of nobody in particular: it sees what every member
    sees (the public processes), since its outputs may be posted anywhere."""
    return Actor(team_id, "", now, Person(""))
