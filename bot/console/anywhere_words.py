"""The console's words for reporting from anywhere in Slack (pure: no Slack, no database):
a person's plain message, the shortcuts, and a Workflow Builder step run.

>>> parse_say("the payouts need reconciling again")
Say(text='the payouts need reconciling again')
>>> parse_shortcut("log on 5")
UseShortcut(which='log', message=5)
>>> parse_step('log what="Run payroll" minutes=45')
RunStep(step='log', inputs={'what': 'Run payroll', 'minutes': '45'})
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from bot.console.errors import ConsoleInputError

STEP_INPUTS = {
    "log": ("what", "minutes", "who", "channel", "process"),
    "cost": ("process",),
}


@dataclass(frozen=True)
class Say:
    """`say TEXT`: post a plain message as the current person, here (for `shortcut log`)."""

    text: str


@dataclass(frozen=True)
class UseShortcut:
    """`shortcut log [on N]`: "Log as manual work" on the last message here (or on [N]);
    `shortcut report`: "Report manual work" from the ⚡ menu."""

    which: str
    message: int | None = None


@dataclass(frozen=True)
class RunStep:
    """`step log what=… minutes=45 [who=@maria] [channel=#ops] [process=P1]` or `step
    cost P1`: a workflow runs the app's Workflow Builder step."""

    step: str
    inputs: dict[str, str] = field(default_factory=dict)


def parse_say(rest: str) -> Say:
    if not rest.strip():
        raise ConsoleInputError("Say what, like: say the payouts need reconciling again")
    return Say(rest.strip())


def parse_shortcut(rest: str) -> UseShortcut:
    words = rest.lower().split()
    if words == ["report"]:
        return UseShortcut("report")
    if words[:1] == ["log"] and len(words) in (1, 3) and words[1:2] in ([], ["on"]):
        if len(words) == 1:
            return UseShortcut("log")
        number = words[2].lstrip("#")
        if number.isdigit() and int(number) > 0:
            return UseShortcut("log", int(number))
    raise ConsoleInputError(
        "Say which shortcut: shortcut log (on the last message here, or shortcut log on 5), "
        "or shortcut report (the ⚡ menu)"
    )


def parse_step(rest: str) -> RunStep:
    try:
        words = shlex.split(rest)
    except ValueError:
        raise ConsoleInputError('A quote is not closed: use "..." around values') from None
    step = words.pop(0).lower() if words else ""
    if step not in STEP_INPUTS:
        raise ConsoleInputError(
            'Say which step: step log what="Run payroll" minutes=45, or step cost P1'
        )
    inputs: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep and step == "cost" and not inputs:
            key, value = "process", word
        elif not sep or key.lower() not in STEP_INPUTS[step]:
            known = ", ".join(f"{k}=" for k in STEP_INPUTS[step])
            raise ConsoleInputError(f"step {step} takes {known} (not {word!r})")
        inputs[key.lower()] = value
    return RunStep(step, inputs)
