"""Block Kit rendered as plain text for the console."""

from __future__ import annotations

from typing import Any

from bot.standin.render import interactive_elements, mrkdwn_to_text, render_blocks, render_view


def names(user_id: str) -> str | None:
    return {"U1": "ana"}.get(user_id)


def button(action_id: str, text: str, **extra: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": text},
        **extra,
    }


def test_mrkdwn_is_readable() -> None:
    text = "*P7* owned by <@U1>, see <https://x.io/a|the runbook> in <#C1|ops> &amp; <!here>"
    assert mrkdwn_to_text(text, names=names) == (
        "P7 owned by @ana, see the runbook (https://x.io/a) in #ops & @here"
    )
    assert mrkdwn_to_text("<@U9> _really_ ~old~ snake_case_name <https://x.io>") == (
        "@U9 really old snake_case_name https://x.io"
    )


def test_message_blocks() -> None:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Top manual work"}},
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": "*Reconcile payouts*\n3.0 h/week"},
            "accessory": button("own", "Take ownership"),
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Owner*: <@U1>"},
                {"type": "plain_text", "text": "Status: manual"},
            ],
        },
        {"type": "divider"},
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "P7"},
                {"type": "image", "image_url": "https://x.io/i.png", "alt_text": "chart"},
            ],
        },
        {"type": "image", "image_url": "https://x.io/c.png", "alt_text": "12 weeks"},
        {
            "type": "actions",
            "elements": [
                button("done", "It's automated now", style="primary"),
                button("other", "Different task", style="danger"),
                {
                    "type": "static_select",
                    "action_id": "why",
                    "placeholder": {"type": "plain_text", "text": "Why not?"},
                    "options": [],
                },
            ],
        },
    ]
    assert render_blocks(blocks, names=names) == [
        "# Top manual work",
        "Reconcile payouts",
        "3.0 h/week",
        "  [1] Take ownership",
        "  Owner: @ana",
        "  Status: manual",
        "─" * 40,
        "  P7 · [image: chart]",
        "[image: 12 weeks]",
        "[2] It's automated now  [3] Different task (danger)  [4] ▾ Why not?",
    ]
    assert [item["element"]["action_id"] for item in interactive_elements(blocks)] == [
        "own",
        "done",
        "other",
        "why",
    ]


def test_fallback_text_and_unknown_blocks() -> None:
    assert render_blocks([], fallback_text="Logged *45 min*\nthanks") == ["Logged 45 min", "thanks"]
    assert render_blocks([{"type": "mystery"}]) == ["[mystery]"]


def test_modal_view() -> None:
    view = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Report manual work"},
        "submit": {"type": "plain_text", "text": "Save"},
        "blocks": [
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "What did you do?"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "t",
                    "placeholder": {"type": "plain_text", "text": "Reconcile payouts"},
                },
            },
            {
                "type": "input",
                "optional": True,
                "label": {"type": "plain_text", "text": "Minutes"},
                "element": {"type": "number_input", "action_id": "m", "initial_value": "30"},
            },
        ],
    }
    assert render_view(view) == [
        "┌ Report manual work",
        "• What did you do?: (Reconcile payouts)",
        "• Minutes (optional): 30",
        "[Submit: Save]  [Close: Cancel]",
    ]
    assert render_view({"type": "home", "blocks": []}) == []
