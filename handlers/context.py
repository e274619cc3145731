"""What every listener shares: its context, injected once, and the one ack mechanism.

**Injection.** A Bolt middleware (`inject`) puts two things in each request's context,
before any transaction: `deps` (the database, the clock, the settings, the directories of
people and channels) and `actor` (who is asking, where, when, what Slack says of them and
whether the channel is a public one). Listeners declare what they need; the use cases
take the actor and apply `bot.domain.rules`.

**Acknowledging.** The app runs in Bolt's process-before-response mode: a listener does
the request's one transaction and answers in the acknowledgement (Slack's 3 seconds, with
the database's deadline well inside them). What follows the answer (a celebration, a
redraw, a form, a DM) is returned as `Reply.after`, plain data (handlers/after.py), and
handed as the listener returns to the app's listener threads (Bolt's
`listener_executor`), so it never holds up the answer. That is the one mechanism for
commands, buttons, forms and events. (Bolt's lazy listeners do the same, but each one
deep-copies the request with its client and context: measured, that doubled the worker
CPU a report costs.) The wrappers below turn a use case that returns a `Reply` into the
Bolt listener for each kind of surface::

    app.action(Action.SNOOZE)(clicked(snooze))

An event whose work fails for lack of a database raises, so Slack hears a 500 and sends
it again (its retries are de-duplicated by event id).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from slack_bolt import Ack, BoltContext, BoltResponse
from slack_sdk import WebClient

from bot.channels import Channels
from bot.clock import Clock
from bot.config import Settings
from bot.domain.people import Actor
from bot.errors import WHO, Settled, UserError
from bot.messages.blocks import Message
from bot.messages.modals import notice_view
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn
from bot.people import Directory
from bot.slack import RetryingRespond
from handlers.faults import answering, apology, log_fault
from storage.db import Database, DatabaseUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Deps:
    """What every listener works with: one database, one clock, the settings, and the
    directories of people and of channels, shared by all requests of this process."""

    db: Database
    clock: Clock
    settings: Settings
    people: Directory
    channels: Channels


class Followup(Protocol):
    """One piece of work after the acknowledgement (see handlers/after.py)."""

    def run(self, out: Out) -> None: ...


@dataclass(frozen=True)
class Out:
    """What a follow-up works with: Slack (as the request's workspace), the request's
    respond() when it has a response_url, the app's deps and who asked."""

    client: WebClient
    respond: Any
    deps: Deps
    actor: Actor


@dataclass(frozen=True)
class Reply:
    """What a listener decided: the answer now (in the acknowledgement for a command, or
    privately for a click), and what follows once Slack has its answer."""

    message: Message | None = None
    after: tuple[Followup, ...] = field(default_factory=tuple)

    def then(self, *more: Followup) -> Reply:
        return replace(self, after=self.after + more)


# ------------------------------------------------------------------- injection


def inject(deps: Deps) -> Callable[..., BoltResponse]:
    """The middleware that gives each request its `deps` and, when it comes from a person
    in a workspace, its `actor` (looked up before any transaction)."""

    def middleware(
        context: BoltContext, body: dict[str, Any], next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        context["deps"] = deps
        if context.get("response_url"):
            context["respond"] = RetryingRespond(response_url=context["response_url"])
        team_id = _team_of(body, context)
        user_id = context.user_id
        if team_id and user_id:
            trigger = body.get("trigger_id")
            context["actor"] = actor_of(
                deps,
                context,
                team_id=team_id,
                user_id=user_id,
                channel_id=context.channel_id,
                trigger_id=trigger if isinstance(trigger, str) else None,
            )
        return next()

    return middleware


def actor_of(
    deps: Deps,
    context: BoltContext,
    *,
    team_id: str,
    user_id: str,
    channel_id: str | None,
    trigger_id: str | None = None,
) -> Actor:
    """`user_id` acting in `channel_id` now, with what Slack says of them and of the
    channel (asked before any transaction). The middleware's actor, and a workflow
    step's (its `who` input: a step's request carries no person)."""
    now = deps.clock.now()
    person = deps.people.person(
        context.client,
        team_id=team_id,
        user_id=user_id,
        now=now,
        enterprise_id=context.enterprise_id,
    )
    return Actor(
        team_id=team_id,
        user_id=user_id,
        now=now,
        person=person,
        channel_id=channel_id,
        in_private=deps.channels.private(context.client, team_id=team_id, channel_id=channel_id),
        trigger_id=trigger_id,
    )


def _team_of(body: dict[str, Any], context: BoltContext) -> str | None:
    team = context.team_id or _dict(body.get("team")).get("id") or body.get("team_id")
    return str(team) if isinstance(team, str) and team else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# -------------------------------------------------------------- the ack functions


@dataclass(frozen=True)
class Incoming:
    """An event as a listener sees it: the envelope (`body`, with `event_id`), the event
    itself, and the bot's own user id in that workspace."""

    body: dict[str, Any]
    event: dict[str, Any]
    bot_user_id: str | None


Command = Callable[[str, Actor, Deps], Reply]
Clicked = Callable[[dict[str, Any], dict[str, Any], Actor, Deps], Reply]
Submitted = Callable[..., Reply]  # (body, view, actor, deps[, client])
Happened = Callable[[Incoming, Actor, Deps], Reply | None]
Shortcut = Callable[[dict[str, Any], Actor, Deps], Reply]


def command(run: Command) -> Callable[..., None]:
    """A slash command: answered in the acknowledgement itself."""

    def ack_command(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
        actor, deps = context.get("actor"), context["deps"]

        def say(text: Mrkdwn) -> None:
            ack(text=text, blocks=notice(text)[1])

        if actor is None:
            say(WHO)
            return
        with answering(say):
            reply = run(str(command.get("text") or ""), actor, deps)
            if reply.message is not None and reply.message[0]:
                text, blocks = reply.message
                ack(text=text, blocks=blocks or notice(text)[1])
            else:
                ack()
            _then(context, reply.after)

    return ack_command


def clicked(run: Clicked) -> Callable[..., None]:
    """A button or menu: acknowledged at once; the answer goes privately, after."""

    def ack_click(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext
    ) -> None:
        ack()
        actor, deps = context.get("actor"), context["deps"]
        if actor is None:
            return
        with answering(lambda text: _tell_later(context, text), "Listener failed on a click"):
            reply = run(body, action, actor, deps)
            if reply.message is not None:
                reply = Reply(after=(Private(reply.message),) + reply.after)
            _then(context, reply.after)

    return ack_click


class FieldError(UserError):
    """A form's answer refused on one of its fields (the person fixes it and submits
    again); nothing was changed."""

    def __init__(self, field: str, text: Mrkdwn, **more: Mrkdwn) -> None:
        super().__init__(text)
        self.errors = {field: text, **more}

    def shown(self) -> dict[str, str]:
        """The errors as Slack shows them under the fields (plain text, 150 characters;
        a longer one ends at a word, with '…')."""
        return {field: _at_most(text.plain(), 150) for field, text in self.errors.items()}


def _at_most(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;(")
    return cut + "…"


@contextmanager
def refused_on(field: str) -> Iterator[None]:
    """Inside a form's use case: a refusal shows under `field`, and changes nothing."""
    try:
        yield
    except (FieldError, Settled):  # a settled question: said in place of the form
        raise
    except UserError as err:
        raise FieldError(field, err.text) from None


def submitted(run: Submitted, *, with_client: bool = False) -> Callable[..., None]:
    """A form: acknowledged once stored (it closes), or refused on a field (it stays open
    with the reason under that field). `with_client`: the use case also gets the request's
    Slack client, to ask about a person or a channel the form names."""

    def ack_form(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        actor, deps = context.get("actor"), context["deps"]
        if actor is None:
            ack(response_action="update", view=notice_view(WHO))
            return
        try:
            more = (context.client,) if with_client else ()
            reply = run(body, view, actor, deps, *more)
        except FieldError as err:
            ack(response_action="errors", errors=err.shown())
            return
        except Exception as err:
            message = err.text if isinstance(err, UserError) else apology(err)
            if not isinstance(err, UserError):
                log_fault(err, "Listener failed on a form")
            ack(response_action="update", view=notice_view(message))
            return
        ack()
        _then(context, reply.after)

    return ack_form


def shortcut(run: Shortcut) -> Callable[..., None]:
    """A shortcut (on a message, or from the ⚡ menu): acknowledged at once; what it opens
    follows, with its trigger, and a refusal goes privately."""

    def ack_shortcut(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        actor, deps = context.get("actor"), context["deps"]
        if actor is None:
            return
        with answering(lambda text: _tell_later(context, text), "Listener failed on a shortcut"):
            _then(context, run(body, actor, deps).after)

    return ack_shortcut


def happened(run: Happened) -> Callable[..., None]:
    """An event: acknowledged when its work is done. A database that can't be reached
    fails the request (Slack retries the event); other failures are logged."""

    def ack_event(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        actor, deps = context.get("actor"), context["deps"]
        if actor is None:
            return
        try:
            reply = run(Incoming(body, event, context.bot_user_id), actor, deps)
        except DatabaseUnavailable:
            raise  # a 500: Slack sends the event again
        except Exception as err:
            log_fault(err, "Listener failed on an event")
            return
        if reply is not None:
            _then(context, reply.after)

    return ack_event


def _then(context: BoltContext, after: tuple[Followup, ...]) -> None:
    """Hand what follows the answer to the app's listener threads: it starts as the ack
    function returns, so it never holds up Slack's answer."""
    actor = context.get("actor")
    if not after or actor is None:
        return
    out = Out(context.client, context.get("respond"), context["deps"], actor)
    context.listener_runner.listener_executor.submit(_run, out, after)


def _run(out: Out, after: tuple[Followup, ...]) -> None:
    """Each piece in order; one that fails is logged, and the rest still run."""
    for work in after:
        try:
            work.run(out)
        except Exception:
            log.exception("work after the acknowledgement failed: %s", type(work).__name__)


def _tell_later(context: BoltContext, text: Mrkdwn) -> None:
    _then(context, (Private((text, notice(text)[1])),))


# ---------------------------------------------------- the one private answer


@dataclass(frozen=True)
class Private:
    """Tell the person privately: through the response_url when the click came from a
    message, else (the App Home has none) by direct message."""

    message: Message
    replace_original: bool = False

    def run(self, out: Out) -> None:
        text, blocks = self.message
        if out.respond is not None and getattr(out.respond, "response_url", None):
            out.respond(
                text=text,
                blocks=blocks,
                response_type="ephemeral",
                replace_original=self.replace_original,
            )
            return
        channel = out.client.conversations_open(users=out.actor.user_id)["channel"]["id"]
        out.client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def error_response(error: Exception, body: dict[str, Any], response: BoltResponse | None) -> None:
    """Bolt's last word on a failure that escaped the wrappers: a person gets an answer
    (never a 5xx for something they did); an event whose database failed keeps its 500,
    so that Slack retries it."""
    if isinstance(error, UserError):
        message = error.text
    else:
        log_fault(error, "Listener failed")
        message = apology(error)
    if response is None or response.status < 500:
        return
    if body.get("type") == "event_callback" and isinstance(error, DatabaseUnavailable):
        return
    response.status = 200
    response.headers["content-type"] = ["application/json;charset=utf-8"]
    if body.get("type") == "view_submission":
        response.body = json.dumps({"response_action": "update", "view": notice_view(message)})
    else:
        response.body = json.dumps({"response_type": "ephemeral", "text": message})
