"""views.open, views.push, views.update and views.publish (modals and the Home tab), the
trigger ids they spend, and what a person does to an open modal (the simulator applies an
app's ``response_action`` through ``replace_view``, ``push_view`` and ``close_view``)."""

from __future__ import annotations

import copy
import secrets
import time

from bot.standin.fakeslack.blocks import check_view, fill_ids
from bot.standin.fakeslack.common import JSONDict, SlackError, json_arg, new_id
from bot.standin.fakeslack.records import Team, Trigger, View
from bot.standin.fakeslack.state import State

MODAL_STACK_LIMIT = 3


class Views(State):
    """The ``views.*`` methods and modal stacks."""

    def issue_trigger_id(self, team_id: str, user_id: str, *, view_id: str | None = None) -> str:
        """A new trigger_id, usable once by views.open/push (as if the user just acted)."""
        trigger = f"{int(time.time() * 1000)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        with self._lock:
            self._triggers[trigger] = Trigger(team_id, user_id, view_id, time.time())
        return trigger

    def set_view_errors(self, view: View, errors: dict[str, str] | None) -> None:
        """Show field errors on an open modal (``response_action: errors``)."""
        with self._changing():
            view.errors = dict(errors or {})
            self._emit("view.errors", view)

    def replace_view(self, view: View, new_view: JSONDict) -> View:
        """Replace a view's content (``response_action: update``)."""
        with self._changing():
            self._update_view(view, check_view(new_view, view.kind), None)
            return view

    def push_view(self, parent: View, new_view: JSONDict) -> View:
        """Push a view on a modal's stack (``response_action: push``)."""
        with self._changing():
            return self._push_view(parent, check_view(new_view, "modal"))

    def close_view(self, view: View, *, whole_stack: bool = False) -> None:
        """Close a modal (and, with ``whole_stack``, every view in its stack)."""
        with self._changing():
            targets = list(view.stack) if whole_stack else [view.id]
            for view_id in targets:
                target = self.views.get(view_id)
                if target is not None and target.open:
                    target.open = False
                    self._emit("view.closed", target)

    def _full_view(self, team: Team, view_id: str, view: JSONDict) -> JSONDict:
        full: JSONDict = {
            "id": view_id,
            "team_id": team.id,
            "type": view["type"],
            "blocks": fill_ids(list(view.get("blocks") or [])),
            "private_metadata": str(view.get("private_metadata") or ""),
            "callback_id": str(view.get("callback_id") or ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": view.get("title"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": "A0COACH01",
            "external_id": str(view.get("external_id") or ""),
            "app_installed_team_id": team.id,
            "bot_id": team.bot_id,
        }
        if view["type"] == "home":
            for key in ("title", "close", "submit", "clear_on_close", "notify_on_close"):
                full.pop(key, None)
        return full

    def _use_trigger(self, team: Team, body: JSONDict) -> Trigger:
        trigger = self._triggers.get(str(body.get("trigger_id") or ""))
        if trigger is None or trigger.team_id != team.id:
            raise SlackError("invalid_trigger_id")
        if trigger.used:
            raise SlackError("exchanged_trigger_id")
        if self.trigger_ttl is not None and time.time() - trigger.issued_at > self.trigger_ttl:
            raise SlackError("expired_trigger_id")
        trigger.used = True
        return trigger

    def _external_id_taken(self, team: Team, view: JSONDict) -> None:
        external = view.get("external_id")
        if external and any(
            v.team_id == team.id and v.view.get("external_id") == external
            for v in self.views.values()
        ):
            raise SlackError("duplicate_external_id")

    def _views_open(self, team: Team, body: JSONDict) -> JSONDict:
        view = check_view(json_arg(body, "view", None), "modal")
        self._external_id_taken(team, view)
        trigger = self._use_trigger(team, body)
        view_id = new_id("V")
        opened = View(view_id, team.id, trigger.user, self._full_view(team, view_id, view), "modal")
        opened.stack = [view_id]
        self.views[view_id] = opened
        self._emit("view.opened", opened)
        return {"view": copy.deepcopy(opened.view)}

    def _push_view(self, parent: View, view: JSONDict) -> View:
        if len(parent.stack) >= MODAL_STACK_LIMIT:
            raise SlackError("push_limit_reached")
        team = self.teams[parent.team_id]
        view_id = new_id("V")
        full = self._full_view(team, view_id, view)
        full["previous_view_id"] = parent.stack[-1]
        full["root_view_id"] = parent.stack[0]
        pushed = View(view_id, team.id, parent.user, full, "modal", stack=parent.stack)
        parent.stack.append(view_id)
        self.views[view_id] = pushed
        self._emit("view.pushed", pushed)
        return pushed

    def _views_push(self, team: Team, body: JSONDict) -> JSONDict:
        view = check_view(json_arg(body, "view", None), "modal")
        trigger = self._use_trigger(team, body)
        parent = self.views.get(trigger.view_id or "")
        if parent is None or not parent.open:
            modals = self.open_modals(team.id, trigger.user)
            parent = modals[-1] if modals else None
        if parent is None:
            raise SlackError("not_found", ["[ERROR] no open modal to push onto"])
        return {"view": copy.deepcopy(self._push_view(parent, view).view)}

    def _update_view(self, target: View, view: JSONDict, expected_hash: str | None) -> None:
        if expected_hash and expected_hash != target.hash:
            raise SlackError("hash_conflict")
        team = self.teams[target.team_id]
        full = self._full_view(team, target.id, view)
        full["previous_view_id"] = target.view.get("previous_view_id")
        full["root_view_id"] = target.view.get("root_view_id")
        target.view = full
        target.errors = None
        self._emit("view.updated", target)

    def _views_update(self, team: Team, body: JSONDict) -> JSONDict:
        view_id, external = str(body.get("view_id") or ""), str(body.get("external_id") or "")
        target = self.views.get(view_id) if view_id else None
        if target is None and external:
            target = next(
                (
                    v
                    for v in self.views.values()
                    if v.team_id == team.id and v.view.get("external_id") == external
                ),
                None,
            )
        if target is None or target.team_id != team.id:
            raise SlackError("not_found")
        view = check_view(json_arg(body, "view", None), target.kind)
        self._update_view(target, view, str(body.get("hash") or "") or None)
        return {"view": copy.deepcopy(target.view)}

    def _views_publish(self, team: Team, body: JSONDict) -> JSONDict:
        user_id = str(body.get("user_id") or "")
        if (team.id, user_id) not in self.users:
            raise SlackError("user_not_found")
        view = check_view(json_arg(body, "view", None), "home")
        home = self.home_of(team.id, user_id)
        if home is None:
            view_id = new_id("V")
            home = View(view_id, team.id, user_id, self._full_view(team, view_id, view), "home")
            self.views[view_id] = home
        else:
            self._update_view(home, view, str(body.get("hash") or "") or None)
        self._emit("view.published", home)
        return {"view": copy.deepcopy(home.view)}
