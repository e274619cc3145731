"""The workspace settings modal and its confirmation (pure builders)."""

from __future__ import annotations

import json

from bot.domain.durations import format_minutes
from bot.domain.settings import WEEKDAYS, WorkspaceSettings
from bot.ids import Callback, Field
from bot.messages.blocks import Block, Message, context, modal, option, plain, section, text_input
from bot.mrkdwn import Mrkdwn


def _days(current: str) -> Block:
    chosen = {d for d in current.split(",") if d}
    choices = [option(name, str(i)) for i, name in enumerate(WEEKDAYS)]
    el: Block = {"type": "checkboxes", "action_id": Field.WORK_DAYS, "options": choices}
    initial = [o for o in choices if o["value"] in chosen]
    if initial:
        el["initial_options"] = initial
    return {
        "type": "input",
        "block_id": Field.WORK_DAYS,
        "label": plain("Working days"),
        "element": el,
    }


def settings_modal(current: WorkspaceSettings, *, channel_id: str | None = None) -> Block:
    """`/manual-task config`: the workspace's settings, filled in with what they are now."""
    rate = "" if current.hourly_rate is None else f"{current.hourly_rate:g}"
    blocks: list[Block] = [
        section(Mrkdwn("These settings apply to the whole workspace.")),
        text_input(
            Field.HOURLY_RATE,
            "Hourly rate",
            optional=True,
            initial=rate,
            placeholder="85",
            hint="What an hour of manual work costs; leave empty to show no money.",
            max_length=12,
        ),
        text_input(Field.CURRENCY, "Currency", initial=current.currency, max_length=3),
        text_input(
            Field.NUDGE_THRESHOLD,
            "Nudge threshold (minutes a week)",
            initial=str(current.nudge_threshold_minutes),
            hint="Owners are asked about processes that cost more than this.",
            max_length=5,
        ),
        text_input(Field.WORK_START, "Working hours start", initial=current.work_start),
        text_input(Field.WORK_END, "Working hours end", initial=current.work_end),
        _days(current.work_days),
        text_input(
            Field.TIMEZONE,
            "Default time zone",
            initial=current.timezone,
            placeholder="Europe/Berlin",
            hint="Used when a person's own time zone is unknown, and for digests.",
            max_length=64,
        ),
    ]
    return modal(
        Callback.CONFIG,
        "Workspace settings",
        blocks,
        private_metadata=json.dumps({"channel": channel_id}),
    )


def saved(s: WorkspaceSettings) -> Message:
    """The admin's confirmation: what the settings are now."""
    rate = f"{s.hourly_rate:g} {s.currency} an hour" if s.hourly_rate else "no hourly rate"
    days = ", ".join(WEEKDAYS[int(d)] for d in s.work_days.split(","))
    text = Mrkdwn(
        "Workspace settings saved: {}; nudges above {} a week; working hours {}–{} on "
        "{}; time zone {}."
    ).format(
        rate, format_minutes(s.nudge_threshold_minutes), s.work_start, s.work_end, days, s.timezone
    )
    return text, [
        section(text),
        context(Mrkdwn("Change them any time with `/manual-task config`.")),
    ]
