"""The subcommands that turn the backlog into decisions: `toil` (a channel team's toil
budget) and `volume` (the business volume of a month). bot/domain/parsing.py's table
takes them from `DECISION_PARSERS`.

    >>> parse_toil("toil", ["team", "6"])
    Toil(team_size=6, auto=False, budget_percent=None)
    >>> parse_volume("volume", ["2026-11", "12,000", "orders"]).amount
    12000.0

A first word that is one of these but whose rest fits neither ("toil over the payroll",
"volume discounts approved") is a report."""

from __future__ import annotations

import math
from collections.abc import Callable

from bot.domain.commands import Command, CommandError, Report, Toil, Volume
from bot.domain.growth import parse_month
from bot.domain.toil import MAX_TEAM_SIZE, parse_percent
from bot.mrkdwn import Mrkdwn, from_slack

TOIL_USAGE = Mrkdwn("`/manual-task toil`, `/manual-task toil team 6` or `toil budget 40%`")
VOLUME_USAGE = Mrkdwn("`/manual-task volume 2026-11 12000 orders`")
MAX_VOLUME = 1e12
MAX_UNIT = 40


def _report(word: str, args: list[str]) -> Report:
    return Report(from_slack(" ".join([word, *args])))


def parse_toil(word: str, args: list[str]) -> Command:
    if not args:
        return Toil()
    what = args[0].lower()
    if what not in ("team", "budget"):
        return _report(word, args)
    if len(args) != 2:
        raise CommandError(Mrkdwn("Use {}.").format(TOIL_USAGE))
    value = args[1].lower()
    if what == "budget":
        percent = parse_percent(value)
        if percent is None:
            raise CommandError(
                Mrkdwn(
                    "“{}” isn't a share of working hours: give a whole percent from 1 to 100,"
                    " like `/manual-task toil budget 40%`."
                ).format(from_slack(args[1])[:40])
            )
        return Toil(budget_percent=percent)
    if value == "auto":
        return Toil(auto=True)
    if not value.isdigit() or not 1 <= int(value) <= MAX_TEAM_SIZE:
        raise CommandError(
            Mrkdwn(
                "“{}” isn't a team size: give how many people, like `/manual-task toil team 6`,"
                " or `toil team auto` to count who reported here in the last four weeks and"
                " this one."
            ).format(from_slack(args[1])[:40])
        )
    return Toil(team_size=int(value))


def _amount(text: str) -> float | None:
    try:
        amount = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return None
    return amount if math.isfinite(amount) and 0 < amount <= MAX_VOLUME else None


def parse_volume(word: str, args: list[str]) -> Command:
    if not args:
        return Volume()
    if not args[0][:1].isdigit():
        return _report(word, args)
    month = parse_month(args[0])
    if month is None:
        raise CommandError(
            Mrkdwn("“{}” isn't a month: write it like `2026-11`. Use {}.").format(
                from_slack(args[0])[:40], VOLUME_USAGE
            )
        )
    amount = _amount(args[1]) if len(args) > 1 else None
    if amount is None:
        raise CommandError(
            Mrkdwn("Give the month's volume as a number above 0, then its unit: {}.").format(
                VOLUME_USAGE
            )
        )
    unit = from_slack(" ".join(args[2:])).strip() or "units"
    if len(unit) > MAX_UNIT:
        raise CommandError(
            Mrkdwn("Name the unit in at most {} characters, like `orders`.").format(MAX_UNIT)
        )
    return Volume(month=month, amount=amount, unit=unit)


DECISION_PARSERS: dict[str, Callable[[str, list[str]], Command]] = {
    "toil": parse_toil,
    "volume": parse_volume,
}
