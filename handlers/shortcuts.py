"""The shortcuts: "Log as manual work" on any message, and "Report manual work" from the
⚡ menu (or search). Both open the report form (bot/messages/modals.py), whose answer is
stored like every report (handlers/reporting.py `submit_report`):

- on a message, the form is prefilled with the message's first line as the title, a link
  to it (chat.getPermalink, so the process links back to what prompted it) and its
  channel; who used the shortcut did the work, unless the form names someone else;
- from the ⚡ menu, which carries no channel, the form asks which channel's work it is.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.domain.people import Actor
from bot.domain.steps import title_of_message
from bot.ids import Shortcut
from bot.messages import modals
from bot.mrkdwn import is_safe_link
from bot.slack import LOOKUP_BUDGET, within
from handlers import after as then
from handlers.context import Deps, Out, Reply, shortcut

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OpenFromMessage:
    """Ask Slack for the message's link, then open the prefilled form (the trigger lasts
    3 seconds; without a link, the form opens all the same)."""

    channel: str | None
    ts: str | None
    what: str
    private: bool

    def run(self, out: Out) -> None:
        link = None
        if self.channel and self.ts:
            try:
                said = within(out.client, LOOKUP_BUDGET).chat_getPermalink(
                    channel=self.channel, message_ts=self.ts
                )
                found = said.get("permalink")
                link = found if isinstance(found, str) and is_safe_link(found) else None
            except Exception as err:  # not in the channel, Slack down: no link, still a form
                log.warning("chat.getPermalink failed for %s: %s", self.channel, err)
        form = modals.report_modal(
            channel_id=self.channel,
            private=self.private,
            what=self.what,
            link_to=link,
            who=out.actor.user_id,
        )
        then.OpenForm(form).run(out)


def log_message(body: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Log as manual work" on a message: the report form, prefilled from it."""
    found = body.get("message")
    message: dict[str, Any] = found if isinstance(found, dict) else {}
    ts = body.get("message_ts") or message.get("ts")
    opening = OpenFromMessage(
        channel=actor.channel_id,
        ts=ts if isinstance(ts, str) else None,
        what=title_of_message(str(message.get("text") or "")),
        private=actor.in_private,
    )
    return Reply(after=(opening,))


def report_anywhere(body: dict[str, Any], actor: Actor, deps: Deps) -> Reply:
    """ "Report manual work" from the ⚡ menu: the report form, with a channel picker."""
    form = modals.report_modal(channel_id=None, who=actor.user_id, pick_channel=True)
    return Reply(after=(then.OpenForm(form),))


def register(app: App) -> None:
    app.message_shortcut(Shortcut.LOG_MESSAGE.value)(shortcut(log_message))
    app.global_shortcut(Shortcut.REPORT.value)(shortcut(report_anywhere))
