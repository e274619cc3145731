"""Builders for "Same as P3 · Update the pricing sheet?" (pure): the question on a report
the matcher was unsure about, and what replaces it once answered."""

from __future__ import annotations

from bot.domain.cards import ProcessCard, ReportResult
from bot.domain.plurals import count
from bot.ids import Action
from bot.messages.blocks import Block, Message, actions, button, section
from bot.mrkdwn import Mrkdwn


def answer_value(new_process_id: int, asked_process_id: int) -> str:
    """The buttons' value: the process the report is on, and the one asked about."""
    return f"{new_process_id}:{asked_process_id}"


def question_blocks(result: ReportResult) -> list[Block]:
    """The question and its two buttons, under a report stored on a new process."""
    asked = result.asked
    assert asked is not None
    value = answer_value(result.card.process_id, asked.process_id)
    return [
        section(Mrkdwn("Same as *{} · {}*?").format(asked.ref, asked.title)),
        actions(
            button("Yes, same", Action.SAME_PROCESS, value, style="primary"),
            button("No, a new process", Action.NEW_PROCESS, value),
            button("Undo", Action.UNDO_REPORT, str(result.occurrence_id)),
            block_id=f"same:{value}",
        ),
    ]


def merged_answer(keep: ProcessCard, *, gone_ref: str, moved: int) -> Message:
    """Yes: the new process went into the one asked about."""
    reports = "your report" if moved == 1 else count(moved, "report")
    text = Mrkdwn("Same process: moved {} to {} · {} ({} merged into it).").format(
        reports, keep.ref, keep.title, gone_ref
    )
    return text, [section(text)]


def kept_answer(card: ProcessCard) -> Message:
    """No: the new process stays, and the pair is never asked about again."""
    text = Mrkdwn("Kept as a new process {} · {}. I won't ask about these two again.").format(
        card.ref, card.title
    )
    return text, [section(text)]
