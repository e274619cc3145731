"""The subcommands about decisions, parsed: `steps P7` (write the steps down) and
`effort P7 30h` (the hours automating it will take, or took), and `list by payback`.

    >>> parse_effort("effort", ["p7", "30h"])
    Effort(ref='P7', hours=30.0)
"""

from __future__ import annotations

from bot.domain.arguments import parse_ref
from bot.domain.commands import Command, CommandError, Effort, Steps
from bot.domain.payback import parse_effort_hours
from bot.mrkdwn import Mrkdwn, from_slack

STEPS_USAGE = Mrkdwn("`/manual-task steps Pn`")
EFFORT_USAGE = Mrkdwn("`/manual-task effort Pn 30h`")
BY_PAYBACK = (["by", "payback"], ["payback"])


def _ref(word: str, args: list[str], usage: Mrkdwn) -> str:
    ref = parse_ref(args[0]) if args else None
    if ref is None:
        raise CommandError(Mrkdwn("`{}` needs a process id, like {}.").format(word, usage))
    return ref


def parse_steps(word: str, args: list[str]) -> Command:
    ref = _ref(word, args, STEPS_USAGE)
    if len(args) > 1:
        raise CommandError(
            Mrkdwn("`steps` takes only a process id and opens a form: {}.").format(STEPS_USAGE)
        )
    return Steps(ref)


def parse_effort(word: str, args: list[str]) -> Command:
    ref = _ref(word, args, EFFORT_USAGE)
    hours = parse_effort_hours(" ".join(args[1:])) if len(args) > 1 else None
    if hours is None:
        given = from_slack(" ".join(args[1:]))[:40]
        raise CommandError(
            Mrkdwn(
                "Say how many hours automating {} takes, like `30h`, `3d` or `2 weeks`{}: {}."
            ).format(ref, Mrkdwn(" (not “{}”)").format(given) if given else "", EFFORT_USAGE)
        )
    return Effort(ref, hours)


def is_by_payback(args: list[str]) -> bool:
    """`list by payback` (or `list payback`)."""
    return [a.lower() for a in args] in BY_PAYBACK
