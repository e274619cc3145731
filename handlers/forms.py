"""Opening a form about a process from one of its buttons ("Not worth it", "Not mine",
"It's automated now"): the one way to do it. The process is looked up, the person must be
allowed to answer for it, and the form remembers the prompt it came from, so that its
answer redraws that prompt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.cards import ProcessCard
from bot.domain.payback import parse_effort_hours
from bot.domain.people import Actor
from bot.domain.rules import require_manage
from bot.domain.states import Status
from bot.errors import UserError
from bot.messages.blocks import Block
from bot.mrkdwn import Mrkdwn
from bot.services import lookup
from bot.services.cards import card_for
from handlers.after import OpenForm
from handlers.context import Deps, FieldError, Reply
from handlers.payloads import message_of

Form = Callable[..., Block]  # (card, *, message=...) -> a modal view


def open_about(
    body: dict[str, Any],
    action: dict[str, Any],
    actor: Actor,
    deps: Deps,
    *,
    form: Form,
    what: str,
    open_only: bool = False,
) -> Reply:
    """The form `form` about the process the clicked button names. `what` the person
    must be allowed to do ("retire it", "answer for it"); `open_only`: refuse a retired one."""
    channel, ts = message_of(body)
    with deps.db.transaction() as session:
        process = lookup.find(session, actor, process_id=action.get("value"))
        if open_only and process.status == Status.RETIRED:
            raise already_retired(process.ref, process.title)
        require_manage(actor, process, what=what)
        card: ProcessCard = card_for(session, process, now=actor.now)
    view = form(card, message={"channel": channel or "", "ts": ts or ""})
    return Reply(after=(OpenForm(view),))


def already_retired(ref: str, title: str) -> UserError:
    return UserError(Mrkdwn("{} · {} is already retired.").format(ref, title))


def form_hours(typed: str | None, field: str) -> float | None:
    """Hours typed in a form's optional field ("20h", "3d"); None when left empty; a
    refusal under the field when they can't be read."""
    if not (typed or "").strip():
        return None
    hours = parse_effort_hours(typed or "")
    if hours is None:
        raise FieldError(field, Mrkdwn("Give hours, like `20h`, `3d` or `2 weeks`."))
    return hours
