"""The bot's side of small talk and near misses (pure): a greeting or thanks gets a short
friendly answer; a typo of a subcommand gets "Did you mean …?" with a button."""

from __future__ import annotations

from bot.ids import Action
from bot.messages.blocks import Message, actions, button, context, section
from bot.mrkdwn import Mrkdwn

REPORT_IT = Mrkdwn("To report it as manual work, say how long it took: `/manual-task {} 20m`.")
HINT = Mrkdwn("Report manual work with `/manual-task Reconcile Stripe payouts 45m`.")


def greeting(*, thanks: bool) -> Message:
    """ "thanks!" or "hi": a friendly line, and the one thing worth knowing."""
    if thanks:
        text = Mrkdwn("You're welcome! The best thanks is a chore nobody has to do again.")
    else:
        text = Mrkdwn("Hi! I count manual work so that your team can automate it away.")
    return text, [section(text), context(HINT, Mrkdwn("`/manual-task help` shows the rest."))]


def did_you_mean(typed: str, suggestion: str) -> Message:
    """ "Did you mean `list`?", with a button that runs it; nothing was stored."""
    text = Mrkdwn("Did you mean `{}`? I didn't log “{}” as manual work.").format(suggestion, typed)
    return text, [
        section(text),
        actions(button(f"Run {suggestion}"[:75], Action.RUN_SUGGESTED, suggestion[:2000])),
        context(REPORT_IT.format(typed)),
    ]
