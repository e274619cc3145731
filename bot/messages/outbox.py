"""What the outbox tells people about their processes, and the one DM of the day that
carries it (pure). A notice is written when its change happens, then waits for the
person's working hours; several of one day go out together, above the day's nudges."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.cards import ProcessCard
from bot.messages.blocks import Block, Message, divider, header, section
from bot.messages.reports import label, name
from bot.mrkdwn import Mrkdwn, mention

MAX_BLOCKS = 50  # Slack's limit for one message


def taken_over(card: ProcessCard, *, by: str, to: str) -> Message:
    """Told to the owner a process was taken from (by an admin, or passed on by someone
    who may)."""
    if by == to:
        text = Mrkdwn("{} took over {} from you.").format(mention(by), label(card))
    else:
        text = Mrkdwn("{} passed {}, which you owned, to {}.").format(
            mention(by), label(card), mention(to)
        )
    return text, [section(Mrkdwn(":arrow_right: {}").format(text))]


def retired_for_you(card: ProcessCard, *, by: str) -> Message:
    """Told to the owner when someone else retired their process."""
    text = Mrkdwn("{} retired {}, which you own.").format(mention(by), label(card))
    return text, [
        section(
            Mrkdwn(":white_check_mark: {} retired {}, which you own. `show {}` says how.").format(
                mention(by), name(card), card.ref
            )
        )
    ]


def merged_for_you(
    gone: ProcessCard,
    keep: ProcessCard,
    *,
    by: str,
    to: str,
    names: tuple[bool, bool] = (True, True),
) -> Message:
    """Told to `to`, an owner, when someone else merged their process into another (or
    another into theirs): who owns the one kept, which may be someone else. `names` says
    whether `to` may see each (gone, keep): one they may not is named by its id alone."""
    gone_label, keep_label = (
        label(c) if n else c.ref for c, n in zip((gone, keep), names, strict=True)
    )
    text = Mrkdwn("{} merged {} into {}.").format(mention(by), gone_label, keep_label)
    if keep.owner_id == to:
        owner = Mrkdwn(" You own {}.").format(keep.ref)
    elif keep.owner_id and names[1]:
        owner = Mrkdwn(" {} owns {}.").format(mention(keep.owner_id), keep.ref)
    else:
        owner = Mrkdwn(" {} has no owner yet.").format(keep.ref) if names[1] else Mrkdwn("")
    return text, [
        section(
            Mrkdwn(
                ":twisted_rightwards_arrows: {} merged *{}* into *{}*: its reports count there "
                "now.{}"
            ).format(mention(by), gone_label, keep_label, owner)
        )
    ]


def with_notices(notices: Sequence[Message], prompt: Message | None) -> Message:
    """One DM: the notices that waited (each with its own blocks, newest last), then the
    day's nudges, if any. The caller keeps within `MAX_BLOCKS` (`fits`)."""
    if not notices and prompt is not None:
        return prompt
    blocks: list[Block] = []
    if len(notices) > 1 or prompt is not None:
        blocks.append(header("About your processes"))
    for i, (_, notice_blocks) in enumerate(notices):
        if i:
            blocks.append(divider())
        blocks.extend(notice_blocks)
    texts = [text for text, _ in notices]
    if prompt is not None:
        blocks.append(divider())
        blocks.extend(prompt[1])
        texts.append(prompt[0])
    return Mrkdwn("\n").join(texts), blocks


def fits(notices: Sequence[Message], prompt: Message | None) -> int:
    """How many of `notices` (in order) fit in one DM beside `prompt`; the rest wait for
    the next day's."""
    used = len(prompt[1]) + 2 if prompt is not None else 1  # the header, the divider
    count = 0
    for _, blocks in notices:
        used += len(blocks) + 1
        if used > MAX_BLOCKS:
            break
        count += 1
    return max(count, 1) if notices else 0
