"""auth.test, team.info, oauth.v2.access and apps.connections.open, and which workspace a
token acts in (a workspace's own token, or an Enterprise Grid org-wide token and the
workspace a call names or whose objects it uses)."""

from __future__ import annotations

import json
import time

from bot.standin.fakeslack.common import JSONDict, new_id
from bot.standin.fakeslack.records import Call, Org, Team
from bot.standin.fakeslack.state import State
from bot.standin.fakeslack.transport import Handler, parse_body, reply


class Auth(State):
    """Tokens: who they are and which workspace they act in."""

    def issue_oauth_code(self, team_id: str, user_id: str = "UINSTALLER") -> str:
        """A one-time code that ``oauth.v2.access`` exchanges for ``team_id``'s bot token,
        as Slack's redirect after "Allow" would carry. Given an org's id (``add_org``) it is
        an org-wide install: the answer has ``team`` null, the org, and the org's token."""
        code = new_id("code-", 16)
        with self._lock:
            self._oauth_codes[code] = (team_id, user_id)
        return code

    def _org_of(self, token: str) -> Org | None:
        """The org whose org-wide token this is, if any."""
        return next((o for o in self.orgs.values() if token and o.bot_token == token), None)

    def _team_for(self, token: str, org: Org | None, body: JSONDict) -> tuple[Team | None, str]:
        """The workspace a call acts in, or None and the error Slack would answer: a
        workspace's token is its own; an org-wide token acts in the org's workspace that
        the call names (``team_id``, as slack_sdk sends it) or whose objects it uses."""
        for team in self.teams.values():
            if team.bot_token == token and not team.revoked:
                return team, ""
        if token.startswith("xwfp-"):  # a running workflow step's token (functions.py)
            running = self.execution_team(token)  # type: ignore[attr-defined]
            return (running, "") if running is not None else (None, "invalid_auth")
        if org is None or org.revoked:
            return None, "invalid_auth"
        members = [t for t in self.teams.values() if t.enterprise_id == org.id]
        wanted = str(body.get("team_id") or "")
        if wanted:
            named = next((t for t in members if t.id == wanted), None)
            return (named, "") if named else (None, "team_access_not_granted")
        found = next((t for t in members if self._uses(t, body)), None)
        return (found, "") if found else (None, "missing_argument")

    def _uses(self, team: Team, body: JSONDict) -> bool:
        """Whether a call's channel, user or trigger belongs to ``team``."""
        channel = str(body.get("channel") or body.get("channel_id") or "")
        if (team.id, channel) in self.channels or (
            channel.startswith("D") and (team.id, channel[1:]) in self.users
        ):
            return True
        users = str(body.get("user") or body.get("user_id") or body.get("users") or "")
        if users and (team.id, users.split(",")[0].strip()) in self.users:
            return True
        trigger = self._triggers.get(str(body.get("trigger_id") or ""))
        return trigger is not None and trigger.team_id == team.id

    def _org_auth_test(self, org: Org, team: Team | None, body: JSONDict) -> JSONDict:
        """``auth.test`` with an org-wide token: the workspace it names, else the org."""
        return {
            "url": f"https://{(team.domain if team else org.id.lower())}.slack.com/",
            "team": team.name if team else org.name,
            "user": "coach",
            "team_id": team.id if team else org.id,
            "user_id": org.bot_user_id,
            "bot_id": org.bot_id,
            "enterprise_id": org.id,
            "is_enterprise_install": True,
        }

    def _serve_oauth(self, handler: Handler, raw: bytes, query: str) -> None:
        """``oauth.v2.access``: exchange a code from ``issue_oauth_code`` for a bot token."""
        try:
            body = parse_body(raw, handler.headers.get("Content-Type") or "", query)
        except (ValueError, UnicodeDecodeError):
            body = {}
        with self._changing():
            self.calls.append(
                Call(
                    "oauth.v2.access",
                    dict(handler.headers.items()),
                    body,
                    None,
                    time.time(),
                    raw=raw,
                )
            )
            found = self._oauth_codes.pop(str(body.get("code") or ""), None)
            answer = self._installed(*found) if found else None
        if answer is None:
            reply(handler, 200, json.dumps({"ok": False, "error": "invalid_code"}).encode())
            return
        reply(handler, 200, json.dumps(answer).encode())

    def _serve_connections_open(self, handler: Handler, raw: bytes) -> None:
        """``apps.connections.open``: an app-level token (``xapp-``) gets the WebSocket URL
        set in ``socket_mode_url`` (tests/socket_mode_server.py serves one); a bot token
        gets ``not_allowed_token_type``, as from Slack."""
        auth = handler.headers.get("Authorization") or ""
        token = auth[len("Bearer ") :].strip() if auth.startswith("Bearer ") else ""
        with self._changing():
            self.calls.append(
                Call("apps.connections.open", dict(handler.headers.items()), {}, None, time.time())
            )
            url = self.socket_mode_url
        if not token:
            answer: JSONDict = {"ok": False, "error": "not_authed"}
        elif not token.startswith("xapp-"):
            answer = {"ok": False, "error": "not_allowed_token_type"}
        elif url is None:
            answer = {"ok": False, "error": "internal_error"}
        else:
            answer = {"ok": True, "url": url}
        reply(handler, 200, json.dumps(answer).encode())

    def _installed(self, installed_in: str, user_id: str) -> JSONDict | None:
        """``oauth.v2.access``'s answer for an install in a workspace (of an org or not),
        or org-wide (``team`` null, ``is_enterprise_install`` true: the org's token)."""
        org = self.orgs.get(installed_in)
        team = self.teams.get(installed_in)
        if org is None and team is None:
            return None
        if team is not None and team.enterprise_id:
            org = self.orgs[team.enterprise_id]
        return {
            "ok": True,
            "app_id": "A0COACH01",
            "authed_user": {"id": user_id},
            "scope": "app_mentions:read,channels:read,chat:write,commands,files:write,"
            "groups:read,im:read,im:write,mpim:read,reactions:read,users:read",
            "token_type": "bot",
            "access_token": team.bot_token if team else org.bot_token,  # type: ignore[union-attr]
            "bot_user_id": team.bot_user_id if team else org.bot_user_id,  # type: ignore[union-attr]
            "team": {"id": team.id, "name": team.name} if team else None,
            "enterprise": {"id": org.id, "name": org.name} if org else None,
            "is_enterprise_install": team is None,
        }

    def _auth_test(self, team: Team, body: JSONDict) -> JSONDict:
        return {
            "url": f"https://{team.domain}.slack.com/",
            "team": team.name,
            "user": "coach",
            "team_id": team.id,
            "user_id": team.bot_user_id,
            "bot_id": team.bot_id,
            "is_enterprise_install": False,
            **({"enterprise_id": team.enterprise_id} if team.enterprise_id else {}),
        }

    def _team_info(self, team: Team, body: JSONDict) -> JSONDict:
        return {
            "team": {
                "id": team.id,
                "name": team.name,
                "domain": team.domain,
                "email_domain": f"{team.domain}.example",
                "icon": {"image_default": True},
            }
        }
