"""The `/manual-task` subcommands: each takes the parsed command and a request, returns
the answer (text, blocks). They run inside the request's transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot import directory
from bot.domain import commands as c
from bot.messages import reports as msg
from bot.messages.blocks import Message
from bot.mrkdwn import Mrkdwn
from bot.services import processes
from bot.services.cards import cards_for, window_start
from storage import queries

Answer = Message


@dataclass
class Request:
    """Who asked, where, and with what to answer."""

    session: Session
    client: Any
    team_id: str
    user_id: str
    channel_id: str | None
    now: datetime

    def is_admin(self) -> bool:
        return directory.lookup(
            self.session, self.client, team_id=self.team_id, user_id=self.user_id, now=self.now
        ).is_admin

    def admin_for(self, process: Any) -> bool:
        """Admin rights for acting on `process`, asked of Slack only when being its owner
        or first reporter doesn't already settle it."""
        if self.user_id in (process.owner_id, process.reporter_id):
            return False
        return self.is_admin()

    def process(self, ref: str) -> Any:
        return processes.resolve(self.session, team_id=self.team_id, ref=ref)


def help_(cmd: c.Help, req: Request) -> Answer:
    return msg.help_message()


def list_top(cmd: c.ListTop, req: Request) -> Answer:
    retired = queries.count_processes(req.session, team_id=req.team_id, statuses=("retired",))
    empty = (
        (
            Mrkdwn("No manual work left open: the one reported process is retired. :tada:")
            if retired == 1
            else Mrkdwn(
                "No manual work left open: all {} reported processes are retired. :tada:"
            ).format(retired)
        )
        if retired
        else Mrkdwn("Nothing reported yet. Try `/manual-task Reconcile Stripe payouts 45m`.")
    )
    return _ranked(req, owner_id=None, title="Most costly manual processes", empty=empty)


def mine(cmd: c.Mine, req: Request) -> Answer:
    return _ranked(
        req,
        owner_id=req.user_id,
        title="Your processes",
        empty=Mrkdwn("You don't own any process yet. `own P7` takes one on."),
    )


def _ranked(req: Request, *, owner_id: str | None, title: str, empty: Mrkdwn) -> Answer:
    loads = queries.top_processes(
        req.session, team_id=req.team_id, since=window_start(req.now), limit=10, owner_id=owner_id
    )
    cards = cards_for(req.session, [pl.process for pl in loads], now=req.now)
    total = (
        queries.count_processes(req.session, team_id=req.team_id, statuses=queries.ACTIVE_STATUSES)
        if owner_id is None
        else None
    )
    return msg.process_list(cards, title=title, empty=empty, total=total)


def show(cmd: c.Show, req: Request) -> Answer:
    process = req.process(cmd.ref)
    card = cards_for(req.session, [process], now=req.now)[0]
    recent = [
        (o.user_id, o.minutes, o.occurred_at)
        for o in sorted(process.occurrences, key=lambda o: o.occurred_at, reverse=True)[:5]
    ]
    return msg.process_detail(card, recent)


def own(cmd: c.Own, req: Request) -> Answer:
    process = req.process(cmd.ref)
    admin = process.owner_id not in (None, req.user_id) and req.is_admin()
    return msg.notice(
        processes.take_ownership(
            req.session, process=process, user_id=req.user_id, is_admin=admin, now=req.now
        )
    )


def assign(cmd: c.Assign, req: Request) -> Answer:
    process = req.process(cmd.ref)
    return msg.notice(
        processes.assign(
            req.session,
            process=process,
            actor_id=req.user_id,
            new_owner_id=cmd.user_id,
            is_admin=req.admin_for(process),
            now=req.now,
        )
    )


def undo(cmd: c.Undo, req: Request) -> Answer:
    return msg.notice(processes.undo_last(req.session, team_id=req.team_id, user_id=req.user_id))


def merge(cmd: c.Merge, req: Request) -> Answer:
    keep, gone = req.process(cmd.keep_ref), req.process(cmd.gone_ref)
    admin = not all(req.user_id in (p.owner_id, p.reporter_id) for p in (keep, gone)) and (
        req.is_admin()
    )
    moved = processes.merge(
        req.session, keep=keep, gone=gone, actor_id=req.user_id, is_admin=admin, now=req.now
    )
    return msg.notice(
        Mrkdwn("Merged {0} into {1} · {2}: {3} {4} moved. {0} now points at {1}.").format(
            gone.ref, keep.ref, keep.title, moved, "report" if moved == 1 else "reports"
        )
    )


SUBCOMMANDS: dict[type, Callable[[Any, Request], Answer]] = {
    c.Help: help_,
    c.ListTop: list_top,
    c.Mine: mine,
    c.Show: show,
    c.Own: own,
    c.Assign: assign,
    c.Undo: undo,
    c.Merge: merge,
}
