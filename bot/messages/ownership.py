"""The answers about who owns a process (pure): taken on, handed over, merged."""

from __future__ import annotations

from bot.domain.durations import format_minutes
from bot.domain.plurals import count
from bot.domain.schedule import is_costly
from bot.messages.blocks import Message
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn, mention


def _label(ref: str, title: str) -> Mrkdwn:
    return Mrkdwn("{} · {}").format(ref, title)


def check_in(minutes_per_week: float, threshold: float) -> Mrkdwn:
    """What an owner is promised, true to the nudge rule: asked soon when the process
    costs more than the threshold, else once it does ('once it costs 15m a week; now 11m')."""
    if is_costly(minutes_per_week, threshold):
        return Mrkdwn(
            "It costs {} a week, over the {} threshold: I'll ask you about automating it in "
            "your working hours, within a day or two."
        ).format(format_minutes(minutes_per_week), format_minutes(threshold))
    return Mrkdwn("I'll ask you about automating it once it costs over {} a week; now {}.").format(
        format_minutes(threshold), format_minutes(minutes_per_week)
    )


def taken(
    ref: str,
    title: str,
    *,
    changed: bool,
    minutes_per_week: float,
    threshold: float,
    was: str | None = None,
) -> Message:
    """`own P7` or "Take ownership": the actor owns it now (or already did), whose it was
    (`was`: taken over from them, who is told), and when the bot will ask about
    automating it."""
    promise = check_in(minutes_per_week, threshold)
    if not changed:
        return notice(Mrkdwn("You already own {}. {}").format(_label(ref, title), promise))
    if was is not None:
        return notice(
            Mrkdwn("You now own {}, which was {}'s: I'll let them know. {}").format(
                _label(ref, title), mention(was), promise
            )
        )
    return notice(Mrkdwn("You now own {}. {}").format(_label(ref, title), promise))


def assigned(ref: str, title: str, *, to: str, changed: bool) -> Message:
    """`assign P7 @maria`."""
    said = "{} now owns {}." if changed else "{} already owns {}."
    return notice(Mrkdwn(said).format(mention(to), _label(ref, title)))


def merged(
    gone_ref: str, keep_ref: str, keep_title: str, *, moved: int, came_back: bool = False
) -> Message:
    """`merge P7 P9`: P9's reports are in P7 now; `came_back`: P7 was retired, and P9's
    reports since then made it come back (a regression), which the answer warns of."""
    said = Mrkdwn("Merged {0} into {1} · {2}: {3} moved. {0} now points at {1}.").format(
        gone_ref, keep_ref, keep_title, count(moved, "report")
    )
    if came_back:
        said = said + Mrkdwn(
            "\n:warning: {0} was retired, and {1} was done by hand since, so {0} has come "
            "back: a regression. Check whether its automation still runs."
        ).format(keep_ref, gone_ref)
    return notice(said)


def merge_into_retired(keep_ref: str, gone_ref: str) -> Mrkdwn:
    """`merge P7 P9` when P7 is retired and P9 is still done by hand, but not since P7's
    retirement: refused, since its manual work would vanish into an automated process
    (and from the manual load)."""
    return Mrkdwn(
        "{0} is retired and {1} is still done by hand, so I didn't merge them: {1}'s manual "
        "work would disappear into an automated process. If {0}'s automation does {1} too, "
        "retire it: `/manual-task retire {1} https://…`. If {0} is done by hand again, report "
        "it and it comes back."
    ).format(keep_ref, gone_ref)
