"""What the bot answers to `help`, and the list of what one can do that Home shows (pure).

One table, :data:`COMMANDS`, says every `/manual-task` subcommand with the words that
reach it (aliases too), so `help` and Home cannot drift apart; tests/unit/test_help.py
fails when the parser (bot/domain/parsing.py) knows a word that this table doesn't."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.plurals import EXAMPLE_REF, OTHER_REF
from bot.messages.blocks import Block, Message, context, section
from bot.messages.reports import QUESTION
from bot.mrkdwn import Mrkdwn

P, Q = EXAMPLE_REF, OTHER_REF


@dataclass(frozen=True)
class Subcommand:
    """One subcommand as help shows it: how to type it, its aliases, what it does."""

    usage: str
    what: str = ""
    aliases: tuple[str, ...] = ()
    group: str = "act"  # "act", "digest" or "admin"

    def typed(self) -> Mrkdwn:
        """'`list` or `top`'."""
        return Mrkdwn(" or ").join(Mrkdwn("`{}`").format(u) for u in (self.usage, *self.aliases))

    def line(self) -> Mrkdwn:
        return self.typed() + (Mrkdwn(": {}").format(self.what) if self.what else Mrkdwn(""))


COMMANDS: tuple[Subcommand, ...] = (
    Subcommand("list", "the most costly processes", aliases=("top",)),
    Subcommand("list by payback", "the quickest to pay back first (from the estimates)"),
    Subcommand("mine", "the ones you own"),
    Subcommand(f"show {P}", f"one process and its history ({P}: an id from `list`)"),
    Subcommand(f"{P}", f"one line about it (in a thread: `@coach {P}`)"),
    Subcommand(f"own {P}", "take it on"),
    Subcommand(f"assign {P} @maria", "give it to someone"),
    Subcommand(f"retire {P} https://…", "it's automated (the link shows how)"),
    Subcommand(f"merge {P} {Q}", f"{Q} was the same work as {P}"),
    Subcommand(f"steps {P}", "write its steps down, to automate it (each edit is kept)"),
    Subcommand(f"effort {P} 30h", "hours automating it will take (retired: took)"),
    Subcommand("undo", "remove your last report (of the last 7 days)"),
    Subcommand("stats", "the team's totals"),
    Subcommand("export", "a CSV of what you may see, by DM"),
    Subcommand("help", "this", aliases=("?",)),
    Subcommand(
        "digest here weekly mon 09:00",
        "this channel's processes (`… workspace`: every public one)",
        aliases=("digest here daily 08:30",),
        group="digest",
    ),
    Subcommand("digest preview", "the next digest so far, only to you", group="digest"),
    Subcommand("digest off", "no more digests here", aliases=("digest stop",), group="digest"),
    Subcommand("toil", "this channel's manual work against its team's toil budget", group="digest"),
    Subcommand("volume", "the business volume by month, and manual minutes per unit"),
    Subcommand("config", "rate, currency, threshold, working hours", ("settings",), "admin"),
    Subcommand("forget @maria", "delete her reports for good, once you confirm", group="admin"),
    Subcommand(
        "toil team 6",
        "this channel's team size"
        " (`toil team auto`: who reported here in the last four weeks and this one)",
        aliases=("toil budget 40%",),
        group="admin",
    ),
    Subcommand("volume 2026-11 12000 orders", "record a month's business volume", group="admin"),
)

# The shortcuts and the Workflow Builder steps, by the names manifest.yml gives them.
ANYWHERE = Mrkdwn(
    "From any message: its ⋮ menu → *Log as manual work* (the form, filled in from it) · "
    "from the ⚡ menu: *Report manual work* · in Workflow Builder: the step *Log manual "
    "work* (and *Get a process's cost*), so a workflow your team runs reports itself."
)
REPORT = Mrkdwn(
    "*Report manual work the moment you do it:*\n"
    "`/manual-task Reconcile Stripe payouts 45m`  "
    "(`45m`, `1h30m`, `1:30`, `90 minutes`, `half a day`) · `/manual-task` alone opens a form.\n"
    + ANYWHERE
)
ELSEWHERE = Mrkdwn(
    "*Elsewhere:* mention me (_@coach spent 20 minutes copying leads into the CRM_, "
    "_@coach top_) · react to my prompts: :white_check_mark: it's retired, "
    ":robot_face: I'm automating it, :zzz: snooze two weeks, :heavy_plus_sign: I do this "
    "too · my Home tab: your processes, your reports, the team's top five · owners hear "
    "from me in their working hours · daily digests come on working days."
)
PRIVATE = Mrkdwn(
    "Reports from private channels and DMs are seen by their reporters, owner and admins only."
)


def _group(title: str, name: str) -> Mrkdwn:
    lines = [Mrkdwn("• ") + c.line() for c in COMMANDS if c.group == name]
    return Mrkdwn("\n").join([Mrkdwn("*{}*").format(title), *lines])


def help_text() -> Mrkdwn:
    """Every subcommand, the other ways in (mentions, reactions, Home, DMs, digests), and
    who sees what."""
    return Mrkdwn("\n").join(
        [
            REPORT,
            _group("See and act:", "act"),
            _group("Digests:", "digest"),
            _group("Admins:", "admin"),
            ELSEWHERE,
            PRIVATE,
        ]
    )


def help_message() -> Message:
    return (
        Mrkdwn("How to use Automation Coach"),
        [
            section(help_text()),
            context(Mrkdwn("The goal of business operations is to not exist. {}").format(QUESTION)),
        ],
    )


def command_list() -> Block:
    """Home's short list of every subcommand (the details are `help`'s)."""
    typed = Mrkdwn(" · ").join(c.typed() for c in COMMANDS)
    return context(
        Mrkdwn(
            "`/manual-task` + {} · mention me · react ✅ 🤖 💤 ➕ to my prompts · on a "
            "message: *Log as manual work* · ⚡ *Report manual work* · Workflow Builder: "
            "*Log manual work*."
        ).format(typed)
    )
