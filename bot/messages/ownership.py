"""The answers about who owns a process (pure): taken on, handed over, merged."""

from __future__ import annotations

from bot.domain.plurals import count
from bot.messages.blocks import Message
from bot.messages.reports import notice
from bot.mrkdwn import Mrkdwn, mention


def _label(ref: str, title: str) -> Mrkdwn:
    return Mrkdwn("{} · {}").format(ref, title)


def taken(ref: str, title: str, *, changed: bool) -> Message:
    """`own P7` or "Take ownership": the actor owns it now (or already did)."""
    if not changed:
        return notice(Mrkdwn("You already own {}.").format(_label(ref, title)))
    return notice(
        Mrkdwn("You now own {}. I'll check in about automating it.").format(_label(ref, title))
    )


def assigned(ref: str, title: str, *, to: str, changed: bool) -> Message:
    """`assign P7 @maria`."""
    said = "{} now owns {}." if changed else "{} already owns {}."
    return notice(Mrkdwn(said).format(mention(to), _label(ref, title)))


def merged(gone_ref: str, keep_ref: str, keep_title: str, *, moved: int) -> Message:
    """`merge P7 P9`: P9's reports are in P7 now."""
    return notice(
        Mrkdwn("Merged {0} into {1} · {2}: {3} moved. {0} now points at {1}.").format(
            gone_ref, keep_ref, keep_title, count(moved, "report")
        )
    )


def merge_into_retired(keep_ref: str, gone_ref: str) -> Mrkdwn:
    """`merge P7 P9` when P7 is retired and P9 is still done by hand: refused, since its
    manual work would vanish into an automated process (and from the manual load)."""
    return Mrkdwn(
        "{0} is retired and {1} is still done by hand, so I didn't merge them: {1}'s manual "
        "work would disappear into an automated process. If {0}'s automation does {1} too, "
        "retire it: `/manual-task retire {1} https://…`. If {0} is done by hand again, report "
        "it and it comes back."
    ).format(keep_ref, gone_ref)
