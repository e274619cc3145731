"""The Slack simulator against a tiny real Bolt app served over HTTP with signatures checked."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond, Say
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.standin.fakeslack import FakeSlack, View
from bot.standin.simulator import SlackSimulator, slack_signature

SECRET = "test-signing-secret"
TOKEN = "xoxb-T0001"
OWN_BUTTONS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "Logged *Reconcile*"}},
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "own",
                "value": "P7",
                "text": {"type": "plain_text", "text": "Take ownership"},
            },
            {
                "type": "static_select",
                "action_id": "reason",
                "placeholder": {"type": "plain_text", "text": "Why not?"},
                "options": [
                    {"text": {"type": "plain_text", "text": "No time"}, "value": "no_time"},
                    {"text": {"type": "plain_text", "text": "Too risky"}, "value": "risky"},
                ],
            },
        ],
    },
]
REPORT_MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "report",
    "title": {"type": "plain_text", "text": "Report manual work"},
    "submit": {"type": "plain_text", "text": "Save"},
    "private_metadata": "C1",
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "What did you do?"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        },
        {
            "type": "input",
            "block_id": "minutes",
            "label": {"type": "plain_text", "text": "Minutes"},
            "element": {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                        "initial_value": "30"},
        },
        {
            "type": "input",
            "block_id": "owner",
            "optional": True,
            "label": {"type": "plain_text", "text": "Owner"},
            "element": {"type": "users_select", "action_id": "user"},
        },
    ],
}  # fmt: skip


HOME: list[dict[str, Any]] = [
    {"type": "header", "text": {"type": "plain_text", "text": "Your processes"}},
    {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": "refresh",
                "text": {"type": "plain_text", "text": "Refresh"},
            }
        ],
    },
]


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def build_app(fake: FakeSlack, seen: dict[str, list[Any]]) -> App:
    app = App(
        signing_secret=SECRET,
        client=WebClient(token=TOKEN, base_url=fake.api_url),
    )

    @app.command("/manual-task")
    def command(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        seen["command"].append(body)
        if body["text"] == "":
            ack()
            client.views_open(trigger_id=body["trigger_id"], view=REPORT_MODAL)
        else:
            ack(text="Logged", blocks=OWN_BUTTONS)

    @app.event("app_mention")
    def mention(event: dict[str, Any], say: Say, request: BoltRequest) -> None:
        seen["mention"].append((event, request.headers.get("x-slack-retry-num")))
        say(text="Counted it", thread_ts=event["ts"])

    @app.event("reaction_added")
    def reaction(event: dict[str, Any]) -> None:
        seen["reaction"].append(event)

    @app.action("own")
    def own(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        seen["own"].append(body)
        respond(text="You own P7 now", replace_original=True)

    @app.action("reason")
    def reason(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen["reason"].append(body)

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": HOME})

    @app.action("refresh")
    def refresh(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        seen["refresh"].append(body)
        client.views_update(view_id=body["view"]["id"], view={"type": "home", "blocks": HOME[:1]})

    @app.view("more")
    def more(ack: Ack) -> None:
        ack()

    @app.view("report")
    def report(ack: Ack, view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        seen["report"].append(values)
        if values["title"]["value"]["value"] in (None, ""):
            ack(response_action="errors", errors={"title": "Say what you did"})
        elif values["title"]["value"]["value"] == "more":
            ack(response_action="push", view={**REPORT_MODAL, "callback_id": "more"})
        else:
            ack()

    return app


@pytest.fixture()
def world() -> Iterator[tuple[FakeSlack, SlackSimulator, dict[str, list[Any]]]]:
    with FakeSlack() as fake:
        fake.add_team()
        fake.add_user("T0001", "U1", "ana")
        fake.add_user("T0001", "U2", "bo")
        fake.add_channel("T0001", "C1", "ops")
        seen: dict[str, list[Any]] = {
            k: [] for k in ("command", "mention", "reaction", "own", "reason", "report", "refresh")
        }
        handler = SlackRequestHandler(build_app(fake, seen))
        server = make_server(
            "127.0.0.1", 0, handler, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
        )
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        thread.start()
        url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
        try:
            yield fake, SlackSimulator(fake, url, SECRET, timeout=5), seen
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def test_signature_matches_slack_sdk() -> None:
    body = b'{"type":"event_callback"}'
    stamp = int(time.time())
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid(body, str(stamp), slack_signature(SECRET, stamp, body))


def test_slash_command_ack_is_stored_and_clickable(world: Any) -> None:
    fake, sim, seen = world
    reply = sim.slash("U1", "C1", "Reconcile payouts 45m")
    assert reply.status == 200 and reply.json["text"] == "Logged"
    form = seen["command"][0]
    assert form["team_id"] == "T0001" and form["channel_name"] == "ops"
    assert form["user_name"] == "ana" and form["command"] == "/manual-task"
    assert form["response_url"].startswith(fake.url) and form["trigger_id"]
    message = reply.message
    assert message.ephemeral and message.user == "U1" and message.source == "ack"
    assert [b["text"] for b in sim.buttons(message)] == ["Take ownership", "Why not?"]

    sim.click("U1", message, action_id="reason", selected="Too risky")
    reason = fake.wait_for(lambda: seen["reason"])[0]
    assert reason["actions"][0]["selected_option"]["value"] == "risky"

    assert sim.click("U1", message, index=1).status == 200
    fake.wait_for(lambda: message.text == "You own P7 now")
    payload = seen["own"][0]
    assert payload["actions"][0]["value"] == "P7"
    assert payload["container"]["is_ephemeral"] is True and "message" not in payload
    assert payload["user"]["id"] == "U1" and payload["channel"]["id"] == "C1"
    assert message.updated == 1 and message.blocks == []
    with pytest.raises(LookupError):
        sim.click("U1", message, index=9)


def test_modal_opened_by_command_then_submitted(world: Any) -> None:
    fake, sim, seen = world
    sim.slash("U1", "C1", "")
    (view,) = fake.wait_for(lambda: fake.open_modals("T0001", "U1"))
    assert isinstance(view, View) and view.callback_id == "report"

    assert sim.submit("U1", view, {"minutes": "45"}).json["response_action"] == "errors"
    assert view.open and view.errors == {"title": "Say what you did"}

    reply = sim.submit("U1", view, {"What did you do?": "Reconcile", "user": "U2"})
    assert reply.status == 200 and not view.open
    values = seen["report"][-1]
    assert values["title"]["value"] == {"type": "plain_text_input", "value": "Reconcile"}
    assert values["minutes"]["value"]["value"] == "30"
    assert values["owner"]["user"] == {"type": "users_select", "selected_user": "U2"}
    with pytest.raises(KeyError):
        sim.submit("U1", view, {"nope": "x"})


def test_events_mentions_retries_and_reactions(world: Any) -> None:
    fake, sim, seen = world
    reply = sim.mention("U1", "C1", "spent 20 minutes copying leads")
    assert reply.status == 200
    answer = fake.wait_for(lambda: fake.last_message("C1", from_bot=True))
    assert answer.text == "Counted it" and answer.thread_ts == reply.message.ts
    event, retry = seen["mention"][0]
    assert event["text"] == "<@UBOT1> spent 20 minutes copying leads" and retry is None

    again = sim.event(event, event_id=sim.last_event_id, retry_num=1)
    assert again.status == 200
    fake.wait_for(lambda: len(seen["mention"]) == 2)
    assert seen["mention"][1][1] == ["1"]

    sim.react("U2", answer, "white_check_mark")
    reaction = fake.wait_for(lambda: seen["reaction"])[0]
    assert reaction["item"] == {"type": "message", "channel": "C1", "ts": answer.ts}
    assert reaction["item_user"] == "UBOT1" and answer.reactions == {"white_check_mark": ["U2"]}

    verification = sim.url_verification()
    assert verification.status == 200 and verification.body


def test_bad_signatures_are_refused(world: Any) -> None:
    _, sim, seen = world
    assert sim.slash("U1", "C1", "x", bad_signature=True).status == 401
    assert sim.slash("U1", "C1", "x", sign=False).status == 401
    assert sim.slash("U1", "C1", "x", timestamp=int(time.time()) - 3600).status == 401
    body = json.dumps({"type": "event_callback", "event": {"type": "app_mention"}}).encode()
    assert sim.post_raw(body, content_type="application/json", bad_signature=True).status == 401
    assert seen["command"] == [] and seen["mention"] == []
    # The bare Bolt WSGI adapter parses the body before checking the signature and answers
    # 500 on unparsable JSON or non-UTF-8 bytes; the real app should turn that into a 400.
    reply = sim.post_raw(b"{not json", content_type="application/json", sign=False)
    assert reply.status in (400, 500) and reply.json is None


def test_home_tab_and_clicks_in_views(world: Any) -> None:
    fake, sim, seen = world
    assert sim.open_home("U2").status == 200
    home = fake.wait_for(lambda: fake.home_of("T0001", "U2"))
    assert home.kind == "home" and sim.buttons(home)[0]["action_id"] == "refresh"
    sim.click("U2", home)  # the only button
    fake.wait_for(lambda: len(home.blocks) == 1)
    payload = seen["refresh"][0]
    assert payload["container"] == {"type": "view", "view_id": home.id}
    assert "response_url" not in payload and payload["view"]["type"] == "home"


def test_pushed_views_pop_and_close(world: Any) -> None:
    fake, sim, _ = world
    sim.slash("U1", "C1", "")
    (root,) = fake.wait_for(lambda: fake.open_modals("T0001", "U1"))
    sim.submit("U1", root, {"title": "more"})
    root_again, pushed = fake.open_modals("T0001", "U1")
    assert root_again is root and root.stack == [root.id, pushed.id]
    assert pushed.view["previous_view_id"] == root.id
    sim.submit("U1", pushed, {"title": "x"})
    assert fake.open_modals("T0001", "U1") == [root]
    assert sim.close("U1", root) is None and not root.open
