"""Answering a modal in the console: ``submit`` by label or id (or field by field in a
terminal), people picked by name, and ``cancel``."""

from __future__ import annotations

from typing import Any

from bot.console import typed as c
from bot.console.answers import Ask, check
from bot.console.session import TEAM, Playground
from bot.console.typed import ConsoleInputError
from bot.standin.fakeslack import View


def _inputs(view: View) -> list[dict[str, Any]]:
    return [
        b for b in view.blocks if b.get("type") == "input" and isinstance(b.get("element"), dict)
    ]


def _label(block: dict[str, Any]) -> str:
    label = block.get("label")
    return str(label.get("text") if isinstance(label, dict) else label or block.get("block_id"))


def _field_key(view: View, key: str) -> str:
    """The block id of the input that ``key`` names: a label or block/action id, any case,
    or the start of exactly one label."""
    wanted = key.strip().lower().removesuffix("(optional)").strip()  # as the form shows it
    blocks = _inputs(view)
    for block in blocks:
        names = {str(block.get("block_id")), str(block["element"].get("action_id")), _label(block)}
        if wanted in {n.lower() for n in names}:
            return str(block.get("block_id"))
    starts = [b for b in blocks if _label(b).lower().startswith(wanted)]
    if len(starts) == 1:
        return str(starts[0].get("block_id"))
    fields = ", ".join(repr(_label(b)) for b in blocks) or "none"
    raise ConsoleInputError(f"The modal has no field {key!r}; its fields: {fields}")


def submit(session: Playground, cmd: c.Submit, ask: Ask | None) -> None:
    modal = session.top_modal()
    if modal is None:
        raise ConsoleInputError(f"@{session.user.name} has no modal open")
    values = {_field_key(modal, k): v for k, v in cmd.values.items()}
    if not cmd.values and ask is not None:
        for block in _inputs(modal):
            optional = " (optional)" if block.get("optional") else ""
            answer = ask(f"  {_label(block)}{optional}: ").strip()
            if answer:
                values[str(block.get("block_id"))] = answer
    pickers = {str(b.get("block_id")): str(b["element"].get("type")) for b in _inputs(modal)}
    values = {k: _picked(session, pickers.get(k, ""), v) for k, v in values.items()}
    try:
        reply = session.sim.submit(session.user.id, modal, values)
    except (KeyError, ValueError) as err:
        raise ConsoleInputError(str(err.args[0] if err.args else err)) from None
    check(session, reply.status, "the submission")


def _picked(session: Playground, kind: str, value: Any) -> Any:
    """People typed by name (`@maria`) as the ids Slack sends from a user picker, and
    channels (`#ops`) from a channel picker; other fields as typed."""
    if not isinstance(value, str):
        return value
    if kind in ("users_select", "multi_users_select"):
        ids = []
        for name in value.replace(",", " ").split():
            user = session.fake.user_by_name(TEAM, name.lstrip("@"))
            if user is None and session.fake.user(TEAM, name) is None:
                raise ConsoleInputError(f"No one here is called {name}: `people` lists who is")
            ids.append(user.id if user is not None else name)
        return ids if kind.startswith("multi_") else (ids[0] if ids else value)
    if kind in ("conversations_select", "channels_select") and value.startswith("#"):
        found = session.channel_id_of(value[1:].lower())
        if found is None:
            raise ConsoleInputError(f"There is no {value}: `people` lists the channels")
        return found
    return value


def cancel(session: Playground, cmd: c.Cancel, ask: Ask | None) -> None:
    modal = session.top_modal()
    if modal is None:
        raise ConsoleInputError(f"@{session.user.name} has no modal open")
    session.sim.close(session.user.id, modal)
    session.settle()
