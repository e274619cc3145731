"""The work that follows an acknowledgement, as plain data a listener returns in
`Reply.after` and the app's listener threads run (handlers/context.py): each piece is one
Slack call or two, after the request's transaction has committed. Each is a frozen
dataclass of plain values, so a test can see what a listener decided."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import outgoing
from bot.domain.cards import ProcessCard
from bot.domain.rules import Sight, sight_of
from bot.domain.states import Posted
from bot.messages.blocks import Message
from bot.messages.celebrations import celebration
from bot.messages.metadata import Metadata, retired
from bot.services import export, prompts
from bot.services.home import publish_home, refresh_home
from bot.slack import POST_BUDGET, within
from handlers.context import Out, Private
from storage import history

log = logging.getLogger(__name__)
Where = tuple[str | None, str | None]  # (channel, ts) of a message
Privately = Callable[[Message], "Ephemeral"]  # where an answer goes, for one person


@dataclass(frozen=True)
class OpenForm:
    """Open a modal with the request's trigger (valid for 3 seconds after the click)."""

    view: dict[str, Any]

    def run(self, out: Out) -> None:
        if out.actor.trigger_id:
            out.client.views_open(trigger_id=out.actor.trigger_id, view=self.view)


@dataclass(frozen=True)
class Post:
    """Post a message to a channel (or a thread) and remember what it is about."""

    channel: str
    message: Message
    kind: Posted
    process_ids: tuple[int, ...] = ()
    thread_ts: str | None = None
    metadata: Metadata | None = None  # what other apps read (bot/messages/metadata.py)

    def run(self, out: Out) -> None:
        text, blocks = self.message
        outgoing.post(
            within(out.client, POST_BUDGET),
            out.deps.db.transaction,
            team_id=out.actor.team_id,
            channel=self.channel,
            text=text,
            blocks=blocks,
            kind=self.kind,
            process_ids=list(self.process_ids),
            now=out.actor.now,
            thread_ts=self.thread_ts,
            metadata=self.metadata,
        )


@dataclass(frozen=True)
class Ephemeral:
    """Show the person a message in a channel (or by DM when there is none)."""

    channel: str | None
    message: Message
    plain: bool = False  # one line of text, no blocks
    thread_ts: str | None = None

    def run(self, out: Out) -> None:
        text, blocks = self.message
        if self.channel:
            try:
                out.client.chat_postEphemeral(
                    channel=self.channel,
                    user=out.actor.user_id,
                    text=text,
                    blocks=None if self.plain else blocks,
                    thread_ts=self.thread_ts,
                )
                return
            except Exception as err:  # e.g. not in the channel: the change itself stands
                log.warning("chat.postEphemeral in %s failed: %s", self.channel, err)
                return
        outgoing.dm(out.client, user_id=out.actor.user_id, text=text, blocks=blocks)


@dataclass(frozen=True)
class DirectMessage:
    """A DM to someone (the person asking, or the one a process was handed to)."""

    user_id: str
    message: Message

    def run(self, out: Out) -> None:
        text, blocks = self.message
        outgoing.dm(out.client, user_id=self.user_id, text=text, blocks=blocks)


@dataclass(frozen=True)
class Celebrate:
    """A retirement: posted in the process's channel (or DMed to whoever retired it, when
    it was reported in no channel), with the team's total eliminated."""

    card: ProcessCard

    def _audience(self, out: Out) -> Sight:
        """Whose total the celebration shows: its channel's (the public processes and the
        channel's own), or, sent by DM, the person's."""
        if self.card.channel_id:
            return Sight(out.actor.team_id, public=True, channel_id=self.card.channel_id)
        return sight_of(out.actor)

    def run(self, out: Out) -> None:
        team_id, now = out.actor.team_id, out.actor.now
        with out.deps.db.transaction() as session:
            # Seen where it is posted: a channel sees its own and the public processes.
            total = history.eliminated_as_of(session, sight=self._audience(out)) / 60
        text, blocks = celebration(self.card, total_eliminated_hours=total)
        channel = self.card.channel_id
        if channel:
            facts = retired(self.card)
            ids = (self.card.process_id,)
            Post(channel, (text, blocks), Posted.CELEBRATION, ids, metadata=facts).run(out)
            return
        if self.card.retired_by:
            found = outgoing.dm(out.client, user_id=self.card.retired_by, text=text, blocks=blocks)
            if found:
                outgoing.remember(
                    out.deps.db.transaction,
                    team_id=team_id,
                    channel=found[0],
                    ts=found[1],
                    kind=Posted.CELEBRATION,
                    process_ids=[self.card.process_id],
                    now=now,
                )


@dataclass(frozen=True)
class Redraw:
    """Redraw a prompt in place (chat.update) after an answer, and the person's Home tab."""

    message: Where

    def run(self, out: Out) -> None:
        channel, ts = self.message
        if channel and ts:
            with out.deps.db.transaction() as session:
                drawn = prompts.render(
                    session, team_id=out.actor.team_id, channel=channel, ts=ts, now=out.actor.now
                )
            if drawn is not None:
                text, blocks = drawn
                try:
                    out.client.chat_update(channel=channel, ts=ts, text=text, blocks=blocks)
                except Exception as err:
                    log.warning("could not redraw prompt %s/%s: %s", channel, ts, err)
        RefreshHome().run(out)


@dataclass(frozen=True)
class RefreshHome:
    """Redraw the person's Home tab soon (once for a burst), if they ever opened it."""

    user_id: str | None = None

    def run(self, out: Out) -> None:
        refresh_home(
            out.client,
            out.deps.db,
            team_id=out.actor.team_id,
            user_id=self.user_id or out.actor.user_id,
            now=out.actor.now,
        )


@dataclass(frozen=True)
class PublishHome:
    """Draw the person's Home tab now (they just opened it)."""

    def run(self, out: Out) -> None:
        publish_home(
            out.client,
            out.deps.db,
            team_id=out.actor.team_id,
            user_id=out.actor.user_id,
            now=out.actor.now,
            tz=out.actor.person.tz,  # the directory may not have saved it yet
            person=out.actor.person,  # nor whether they are a guest or an admin
        )


@dataclass(frozen=True)
class SendExport:
    """DM the person the processes and reports they may see as CSV files."""

    def run(self, out: Out) -> None:
        export.send_csv(
            out.client,
            out.deps.db,
            sight=sight_of(out.actor),
            user_id=out.actor.user_id,
            now=out.actor.now,
            guest=out.actor.is_guest,  # a guest sees their own reports, nothing else
        )


@dataclass(frozen=True)
class Replace:
    """Redraw the message a button was on (a report's reply), for the person only."""

    message: Message

    def run(self, out: Out) -> None:
        Private(self.message, replace_original=True).run(out)
