"""Limits on volume, so that one person (or a script) can't flood the backlog: each is a
setting (bot/config.py, `COACH_LIMIT_*`), and each refusal says what happened, that
nothing was stored, and when to try again. Normal use never meets them: a person reports
a few times a day, and a day can't hold more than a day of work."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.durations import MAX_MINUTES, format_minutes
from bot.domain.plurals import count
from bot.errors import UserError
from bot.mrkdwn import Mrkdwn


@dataclass(frozen=True)
class Limits:
    reports_per_minute: int = 30  # per person, whatever the entry point
    minutes_per_process_per_day: int = MAX_MINUTES  # per person and process, their local day
    new_processes_per_hour: int = 100  # per workspace


DEFAULT_LIMITS = Limits()


class LimitReached(UserError):
    """A report refused by a limit; ``err.text`` says which, and that nothing was stored."""

    @classmethod
    def too_many_reports(cls, limits: Limits) -> LimitReached:
        return cls(
            Mrkdwn(
                "That's {} from you in the last minute, my limit, so I didn't store "
                "this one. Wait a minute and send it again."
            ).format(count(limits.reports_per_minute, "report"))
        )

    @classmethod
    def day_is_full(cls, limits: Limits, ref: str, already: int) -> LimitReached:
        return cls(
            Mrkdwn(
                "You've already reported {} on {} today; with this one it would be more than "
                "{} in a day, so I didn't store it. `/manual-task undo` fixes a wrong one."
            ).format(
                format_minutes(already), ref, format_minutes(limits.minutes_per_process_per_day)
            )
        )

    @classmethod
    def merge_overfills(
        cls, limits: Limits, keep: str, gone: str, user_id: str, today: int
    ) -> LimitReached:
        return cls(
            Mrkdwn(
                "Together {} and {} would hold {} of <@{}>'s reports today, more than {} in a "
                "day, so I didn't merge them. `/manual-task undo` fixes a wrong report."
            ).format(
                keep,
                gone,
                format_minutes(today),
                user_id,
                format_minutes(limits.minutes_per_process_per_day),
            )
        )

    @classmethod
    def too_many_processes(cls, limits: Limits) -> LimitReached:
        return cls(
            Mrkdwn(
                "This workspace has started {} new processes in the last hour, my limit, so "
                "I didn't store this one. Try again in an hour, or report it on an existing "
                "process."
            ).format(limits.new_processes_per_hour)
        )
