"""Interactivity: clicking a button or choosing in a select on a message or view
(``block_actions``), submitting a modal (``view_submission``, applying the app's
``response_action`` to the fake) and closing one (``view_closed``)."""

from __future__ import annotations

import copy
from typing import Any

from bot.standin.fakeslack import Message, View
from bot.standin.render import interactive_elements
from bot.standin.simulator.elements import (
    MANY_OPTIONS,
    MULTI_PICKERS,
    ONE_OPTION,
    PICKERS,
    as_list,
    find_option,
    label_of,
    plain,
    state_values,
)
from bot.standin.simulator.sender import JSONDict, Reply, Sender


class Interactivity(Sender):
    """A person clicks, chooses, submits and closes."""

    def buttons(self, target: Message | View) -> list[JSONDict]:
        """The clickable elements of a message or view, numbered from 1 in reading order."""
        listed = []
        for item in interactive_elements(target.blocks):
            element = item["element"]
            listed.append(
                {
                    "index": item["index"],
                    "action_id": element.get("action_id"),
                    "block_id": item["block_id"],
                    "type": element.get("type"),
                    "text": label_of(element.get("text") or element.get("placeholder")),
                    "value": element.get("value"),
                    "style": element.get("style"),
                }
            )
        return listed

    def _pick(
        self, target: Message | View, action_id: str | None, index: int | None
    ) -> tuple[JSONDict, str]:
        items = interactive_elements(target.blocks)
        chosen = None
        if action_id is not None:
            chosen = next((i for i in items if i["element"].get("action_id") == action_id), None)
        elif index is not None:
            chosen = items[index - 1] if 1 <= index <= len(items) else None
        elif len(items) == 1:
            chosen = items[0]
        if chosen is None:
            listed = ", ".join(
                f"[{b['index']}] {b['action_id']} {b['text']!r}" for b in self.buttons(target)
            )
            raise LookupError(
                f"no element action_id={action_id!r} index={index!r}; have: {listed or 'none'}"
            )
        return chosen["element"], str(chosen["block_id"])

    def _action(
        self, element: JSONDict, block_id: str, value: str | None, selected: Any
    ) -> JSONDict:
        kind = str(element.get("type"))
        action: JSONDict = {
            "type": kind,
            "action_id": element.get("action_id"),
            "block_id": block_id,
            "action_ts": self.fake.new_ts(),
        }
        if kind == "button":
            action["text"] = element.get("text") or plain("")
            if value is not None or "value" in element:
                action["value"] = value if value is not None else element.get("value")
            if element.get("style"):
                action["style"] = element["style"]
            return action
        if selected is None:
            raise ValueError(f"clicking a {kind} needs selected=...")
        if kind in ONE_OPTION:
            action["selected_option"] = find_option(element, selected)
        elif kind in MANY_OPTIONS:
            action["selected_options"] = [find_option(element, s) for s in as_list(selected)]
        elif kind in PICKERS:
            action[PICKERS[kind]] = selected
        elif kind in MULTI_PICKERS:
            action[MULTI_PICKERS[kind]] = as_list(selected)
        if element.get("placeholder"):
            action["placeholder"] = element["placeholder"]
        return action

    def click(
        self,
        user_id: str,
        target: Message | View,
        *,
        action_id: str | None = None,
        index: int | None = None,
        value: str | None = None,
        selected: Any = None,
    ) -> Reply:
        """Click a button (or choose in a select: ``selected=``) on a message or view.

        The element is found by ``action_id`` or 1-based ``index`` (as numbered by
        :meth:`buttons` and the renderer); ``value`` overrides a button's value.
        """
        element, block_id = self._pick(target, action_id, index)
        view_id = target.id if isinstance(target, View) else None
        payload: JSONDict = {
            "type": "block_actions",
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id, view_id=view_id),
            "team": self._team(),
            "enterprise": None,
            "is_enterprise_install": False,
            "actions": [self._action(element, block_id, value, selected)],
        }
        if isinstance(target, View):
            payload["container"] = {"type": "view", "view_id": target.id}
            view = copy.deepcopy(target.view)
            view["state"] = {"values": state_values(target, {})}
            payload["view"] = view
            payload["state"] = view["state"]
        else:
            if not target.visible_to(user_id):
                raise LookupError(f"message {target.ts} is not visible to {user_id}")
            payload["container"] = {
                "type": "message",
                "message_ts": target.ts,
                "channel_id": target.channel,
                "is_ephemeral": target.ephemeral,
            }
            payload["channel"] = self._channel(target.channel)
            if not target.ephemeral:
                payload["message"] = target.to_json()
            payload["state"] = {"values": {}}
            payload["response_url"] = self.fake.new_response_url(
                self.team_id, target.channel, user_id, original=target
            )
        return self._post_payload(payload)

    def submit(self, user_id: str, view: View, values: dict[str, Any] | None = None) -> Reply:
        """Press a modal's submit button with ``values`` keyed by block_id, action_id or label.

        Applies the app's ``response_action`` (errors, update, push, clear) to the fake;
        an empty acknowledgement closes the view.
        """
        state = state_values(view, values or {})
        submitted = copy.deepcopy(view.view)
        submitted["state"] = {"values": state}
        payload: JSONDict = {
            "type": "view_submission",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "trigger_id": self.fake.issue_trigger_id(self.team_id, user_id, view_id=view.id),
            "view": submitted,
            "response_urls": [],
            "enterprise": None,
            "is_enterprise_install": False,
        }
        reply = self._post_payload(payload)
        if reply.status != 200:
            return reply
        answer = reply.json or {}
        action = answer.get("response_action")
        if action == "errors":
            self.fake.set_view_errors(view, answer.get("errors"))
        elif action == "update":
            self.fake.replace_view(view, answer.get("view") or {})
        elif action == "push":
            self.fake.push_view(view, answer.get("view") or {})
        elif action == "clear":
            self.fake.close_view(view, whole_stack=True)
        else:
            self.fake.close_view(view)
        return reply

    def close(self, user_id: str, view: View) -> Reply | None:
        """Press a modal's close button. Slack sends ``view_closed`` only when the view has
        ``notify_on_close``; otherwise nothing is sent and this returns None."""
        self.fake.close_view(view, whole_stack=bool(view.view.get("clear_on_close")))
        if not view.view.get("notify_on_close"):
            return None
        payload: JSONDict = {
            "type": "view_closed",
            "team": self._team(),
            "user": self._user(user_id),
            "api_app_id": self.api_app_id,
            "token": self.verification_token,
            "view": copy.deepcopy(view.view),
            "is_cleared": bool(view.view.get("clear_on_close")),
            "enterprise": None,
            "is_enterprise_install": False,
        }
        return self._post_payload(payload)
