"""The fake Slack Web API, exercised through a real slack_sdk WebClient over HTTP."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator

from bot.standin.fakeslack import Event, FakeSlack

TOKEN = "xoxb-T0001"
QUICK = FixedValueRetryIntervalCalculator(0.01)
BUTTONS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Reconcile* costs 3h/week"}},
    {
        "type": "actions",
        "elements": [
            {"type": "button", "action_id": "own", "text": {"type": "plain_text", "text": "Own"}}
        ],
    },
]
MODAL: dict[str, Any] = {
    "type": "modal",
    "callback_id": "report",
    "title": {"type": "plain_text", "text": "Report"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "input",
            "block_id": "title",
            "label": {"type": "plain_text", "text": "Task"},
            "element": {"type": "plain_text_input", "action_id": "value"},
        }
    ],
}


@pytest.fixture()
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        server.add_team()
        server.add_user("T0001", "U1", "ana", tz="Europe/Paris", is_admin=True)
        server.add_user("T0001", "U2", "bo")
        server.add_channel("T0001", "C1", "general")
        yield server


@pytest.fixture()
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[])


def post_json(url: str, body: Any) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_auth_users_and_team(fake: FakeSlack, client: WebClient) -> None:
    auth = client.auth_test()
    assert (auth["team_id"], auth["user_id"], auth["team"]) == ("T0001", "UBOT1", "Acme")
    assert auth["bot_id"]
    user = client.users_info(user="U1")["user"]
    assert user["id"] == "U1" and user["name"] == "ana" and user["tz"] == "Europe/Paris"
    assert user["is_admin"] is True and user["is_bot"] is False
    assert user["tz_offset"] in (3600, 7200)
    assert user["profile"]["display_name"] == "ana"
    with pytest.raises(SlackApiError) as missing:
        client.users_info(user="U404")
    assert missing.value.response["error"] == "user_not_found"
    assert client.team_info()["team"]["domain"] == "acme"
    assert fake.user_by_name("T0001", "@bo") is not None
    call = fake.calls_to("users.info")[0]
    assert call.headers["Authorization"] == f"Bearer {TOKEN}" and call.team_id == "T0001"


def test_bad_tokens_and_unknown_methods(fake: FakeSlack) -> None:
    bad = WebClient(token="xoxb-nope", base_url=fake.api_url)
    with pytest.raises(SlackApiError) as invalid:
        bad.auth_test()
    assert invalid.value.response["error"] == "invalid_auth"
    assert invalid.value.response.status_code == 200
    fake.revoke(TOKEN)
    with pytest.raises(SlackApiError):
        WebClient(token=TOKEN, base_url=fake.api_url).auth_test()
    with pytest.raises(SlackApiError) as unknown:
        bad.api_call("pins.add")
    assert unknown.value.response["error"] == "unknown_method"


def test_post_update_delete_and_threads(fake: FakeSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="hello", blocks=BUTTONS)
    second = client.api_call(  # form-encoded, blocks as a JSON string
        "chat.postMessage",
        params={
            "channel": "C1",
            "text": "reply",
            "thread_ts": first["ts"],
            "blocks": json.dumps(BUTTONS),
        },
    )
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C1" and first["message"]["blocks"][1]["elements"][0]["action_id"]
    messages = fake.messages_in("C1")
    assert [m.text for m in messages] == ["hello", "reply"]
    assert messages[1].thread_ts == first["ts"] and messages[0].from_bot
    assert messages[1].blocks[1]["elements"][0]["action_id"] == "own"
    assert fake.calls_to("chat.postMessage")[1].arg("blocks")[0]["type"] == "section"
    assert all(b.get("block_id") for b in messages[0].blocks)  # Slack fills in block ids

    client.chat_update(channel="C1", ts=first["ts"], text="edited", blocks=[])
    assert messages[0].text == "edited" and messages[0].blocks == [] and messages[0].updated == 1
    with pytest.raises(SlackApiError) as missing:
        client.chat_update(channel="C1", ts="1.000000", text="x")
    assert missing.value.response["error"] == "message_not_found"

    link = client.chat_getPermalink(channel="C1", message_ts=first["ts"])["permalink"]
    assert link.endswith("/archives/C1/p" + first["ts"].replace(".", ""))
    client.chat_delete(channel="C1", ts=first["ts"])
    assert messages[0].deleted and fake.messages_in("C1") == [messages[1]]
    with pytest.raises(SlackApiError) as no_text, pytest.warns(UserWarning):
        client.chat_postMessage(channel="C1")
    assert no_text.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as no_channel:
        client.chat_postMessage(channel="C404", text="x")
    assert no_channel.value.response["error"] == "channel_not_found"
    assert client.conversations_info(channel="C1")["channel"]["name"] == "general"


def test_ephemeral_and_dms(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postEphemeral(channel="C1", user="U1", text="only you")["message_ts"]
    message = fake.last_message("C1")
    assert message is not None and message.ts == ts and message.ephemeral and message.user == "U1"
    assert message.visible_to("U1") and not message.visible_to("U2")
    with pytest.raises(SlackApiError):
        client.chat_update(channel="C1", ts=ts, text="nope")  # ephemeral: not updatable

    dm = client.conversations_open(users="U1")["channel"]["id"]
    assert dm == "DU1" == client.conversations_open(users="U1")["channel"]["id"]
    client.chat_postMessage(channel=dm, text="nudge")
    client.chat_postMessage(channel="U1", text="nudge by user id")
    assert [m.text for m in fake.dms_to("T0001", "U1")] == ["nudge", "nudge by user id"]
    assert client.conversations_info(channel=dm)["channel"]["is_im"] is True


def test_views_need_a_trigger_and_keep_a_stack(fake: FakeSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as bad:
        client.views_open(trigger_id="made.up", view=MODAL)
    assert bad.value.response["error"] == "invalid_trigger_id"
    trigger = fake.issue_trigger_id("T0001", "U1")
    view = client.views_open(trigger_id=trigger, view={**MODAL, "external_id": "r1"})["view"]
    assert view["id"].startswith("V") and view["hash"] and view["team_id"] == "T0001"
    opened = fake.views[view["id"]]
    assert opened.user == "U1" and opened.kind == "modal" and opened.open
    with pytest.raises(SlackApiError) as reused:
        client.views_open(trigger_id=trigger, view=MODAL)
    assert reused.value.response["error"] == "exchanged_trigger_id"

    updated = client.views_update(external_id="r1", view={**MODAL, "callback_id": "v2"})["view"]
    assert updated["id"] == view["id"] and opened.callback_id == "v2"
    with pytest.raises(SlackApiError) as stale:
        client.views_update(view_id=view["id"], hash=view["hash"], view=MODAL)
    assert stale.value.response["error"] == "hash_conflict"

    pushed = client.views_push(trigger_id=fake.issue_trigger_id("T0001", "U1"), view=MODAL)
    assert opened.stack == [view["id"], pushed["view"]["id"]]
    assert pushed["view"]["previous_view_id"] == view["id"]

    home = {"type": "home", "blocks": BUTTONS}
    first = client.views_publish(user_id="U2", view=home)["view"]
    again = client.views_publish(user_id="U2", view=home)["view"]
    assert first["id"] == again["id"] and fake.home_of("T0001", "U2") is not None
    with pytest.raises(SlackApiError) as too_long:
        client.views_open(
            trigger_id=fake.issue_trigger_id("T0001", "U1"),
            view={**MODAL, "title": {"type": "plain_text", "text": "x" * 30}},
        )
    assert too_long.value.response["error"] == "invalid_arguments"


def test_files_upload_v2(fake: FakeSlack, client: WebClient) -> None:
    result = client.files_upload_v2(
        channel="C1", content=b"a,b\n1,2\n", filename="export.csv", title="Export",
        initial_comment="Here you go",
    )  # fmt: skip
    assert result["file"]["id"]
    (upload,) = fake.files
    assert upload.content == b"a,b\n1,2\n" and upload.filename == "export.csv"
    assert (upload.title, upload.channel, upload.initial_comment) == ("Export", "C1", "Here you go")
    assert upload.team_id == "T0001" and upload.shared
    message = fake.last_message("C1")
    assert message is not None and message.files == [upload.id]


def test_429_then_success_with_rate_limit_retry(fake: FakeSlack) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=0)
    client = WebClient(
        token=TOKEN, base_url=fake.api_url, retry_handlers=[RateLimitErrorRetryHandler()]
    )
    client.chat_postMessage(channel="C1", text="once")
    calls = fake.calls_to("chat.postMessage")
    assert [c.failed for c in calls] == ["429", None]
    assert [m.text for m in fake.messages_in("C1")] == ["once"]

    fake.fail("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as limited:
        WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[]).chat_postMessage(
            channel="C1", text="x"
        )
    assert limited.value.response.status_code == 429
    assert limited.value.response["error"] == "ratelimited"
    assert limited.value.response.headers["retry-after"] in ("7", ["7"])


def test_dropped_connection_and_server_errors(fake: FakeSlack) -> None:
    fake.drop("chat.postMessage")
    client = WebClient(
        token=TOKEN,
        base_url=fake.api_url,
        retry_handlers=[
            ConnectionErrorRetryHandler(interval_calculator=QUICK),
            ServerErrorRetryHandler(interval_calculator=QUICK),
        ],
    )
    client.chat_postMessage(channel="C1", text="after drop")
    fake.fail("chat.postMessage", status=500)
    client.chat_postMessage(channel="C1", text="after 500")
    assert [c.failed for c in fake.calls_to("chat.postMessage")] == ["drop", None, "500", None]
    assert [m.text for m in fake.messages_in("C1")] == ["after drop", "after 500"]
    fake.fail("auth.test", status=503, times=2)
    with pytest.raises(SlackApiError):
        WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[]).auth_test()


def test_rate_limit_mode(fake: FakeSlack, client: WebClient) -> None:
    fake.set_rate_limits(per_channel_per_second=1)
    client.chat_postMessage(channel="C1", text="one")
    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C1", text="two")
    assert limited.value.response.status_code == 429
    assert int(limited.value.response.headers["retry-after"][0]) >= 1
    client.chat_postMessage(channel="DU1", text="another channel is fine")
    assert fake.rejected_429 == 1 and len(fake.messages) == 2

    fake.set_rate_limits(per_team_per_minute=3)
    client.chat_postMessage(channel="DU2", text="three")
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C1", text="four")
    assert fake.rejected_429 == 2


def test_response_url(fake: FakeSlack, client: WebClient) -> None:
    original = fake.record_ack_message("T0001", "C1", "U1", {"text": "ack", "blocks": BUTTONS})
    assert original.ephemeral and original.source == "ack" and original.response_url
    url = fake.new_response_url("T0001", "C1", "U1", original=original)
    assert post_json(url, {"text": "private"}) == (200, b"ok")
    assert post_json(url, {"text": "public", "response_type": "in_channel"})[0] == 200
    assert post_json(url, {"text": "replaced", "replace_original": True})[0] == 200
    texts = [(m.text, m.ephemeral) for m in fake.messages_in("C1")]
    assert texts == [("replaced", True), ("private", True), ("public", False)]
    assert original.updated == 1 and original.blocks == []
    assert post_json(url, {"delete_original": True})[0] == 200
    assert original.deleted
    assert post_json(url, {"text": "fifth"})[0] == 200
    assert post_json(url, {"text": "sixth"})[0] == 404
    assert post_json(fake.url + "response/unknown", {"text": "x"})[0] == 404
    assert [c.method for c in fake.calls].count("response_url") == 7


def test_malformed_bodies_and_subscribers(fake: FakeSlack, client: WebClient) -> None:
    events: list[Event] = []
    fake.subscribe(events.append)
    request = urllib.request.Request(
        fake.api_url + "chat.postMessage",
        data=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read()) == {
            "ok": False,
            "error": "invalid_arguments",
            "response_metadata": {"messages": ["[ERROR] malformed request body"]},
        }
    with pytest.raises(SlackApiError) as bad_blocks:
        client.chat_postMessage(channel="C1", text="x", blocks=[{"type": "actions"}])
    assert bad_blocks.value.response["error"] == "invalid_blocks"
    posted = client.chat_postMessage(channel="C1", text="still alive")
    client.chat_update(channel="C1", ts=posted["ts"], text="edited")
    assert [e.kind for e in events] == ["message.new", "message.updated"]
    assert fake.wait_for(lambda: fake.last_message("C1")).text == "edited"

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        fake.wait_for(lambda: fake.last_message("C404"), timeout=0.1)
    assert time.monotonic() - started < 1
    fake.reset()
    assert fake.calls == [] and fake.messages == []
    assert client.users_info(user="U1")["ok"]
