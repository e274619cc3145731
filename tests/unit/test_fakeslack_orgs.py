"""The fake Slack's Enterprise Grid side, through a real slack_sdk WebClient: oauth.v2.access
in the shapes Slack documents for a Grid workspace and for an org-wide install, and an
org-wide token that acts in any workspace of its org, and in no other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.standin.fakeslack import FakeSlack

ORG_TOKEN = "xoxb-E0001"


@pytest.fixture
def grid() -> Iterator[FakeSlack]:
    """Acme (T0001) on its own; Initech (E0001) with two workspaces, T0003 and T0004."""
    with FakeSlack() as fake:
        fake.add_team("T0001", name="Acme", bot_token="xoxb-T0001")
        fake.add_user("T0001", "U_ANA", "ana")
        fake.add_org("E0001", "Initech", bot_token=ORG_TOKEN, bot_user_id="WBOTE1")
        for team in ("T0003", "T0004"):
            fake.add_team(team, f"Initech {team}", f"xoxb-{team}", enterprise_id="E0001")
            fake.add_channel(team, f"C_{team}", "general")
            fake.add_user(team, f"W_{team}", f"user{team}")
        yield fake


def _client(fake: FakeSlack, token: str = ORG_TOKEN, team_id: str | None = None) -> WebClient:
    return WebClient(token=token, base_url=fake.api_url, team_id=team_id)


def _exchange(fake: FakeSlack, installed_in: str) -> dict[str, object]:
    code = fake.issue_oauth_code(installed_in)
    answer = WebClient(base_url=fake.api_url).oauth_v2_access(
        client_id="111.222", client_secret="s", code=code
    )
    return dict(answer.data)  # type: ignore[arg-type]


def test_an_org_wide_install_answers_with_the_org_and_no_team(grid: FakeSlack) -> None:
    answer = _exchange(grid, "E0001")
    assert answer["team"] is None
    assert answer["enterprise"] == {"id": "E0001", "name": "Initech"}
    assert answer["is_enterprise_install"] is True
    assert answer["access_token"] == ORG_TOKEN and answer["bot_user_id"] == "WBOTE1"


def test_a_grid_workspace_install_names_its_team_and_its_org(grid: FakeSlack) -> None:
    answer = _exchange(grid, "T0003")
    assert answer["team"] == {"id": "T0003", "name": "Initech T0003"}
    assert answer["enterprise"] == {"id": "E0001", "name": "Initech"}
    assert answer["is_enterprise_install"] is False and answer["access_token"] == "xoxb-T0003"
    assert _exchange(grid, "T0001")["enterprise"] is None


def test_the_org_token_acts_in_the_workspace_a_call_names(grid: FakeSlack) -> None:
    for team in ("T0003", "T0004"):
        sent = _client(grid, team_id=team).chat_postMessage(channel=f"W_{team}", text="hi")
        assert sent["ok"]
        call = grid.calls_to("chat.postMessage")[-1]
        assert call.team_id == team and call.headers["Authorization"] == f"Bearer {ORG_TOKEN}"
        assert grid.dms_to(team, f"W_{team}")[-1].user == "WBOTE1"  # the org's bot user
    # No team_id: the workspace whose channel (or user) the call uses.
    _client(grid).chat_postMessage(channel="C_T0004", text="hello")
    assert grid.calls_to("chat.postMessage")[-1].team_id == "T0004"
    assert _client(grid).users_info(user="W_T0003")["user"]["team_id"] == "T0003"


def test_the_org_token_is_refused_outside_its_org_and_when_revoked(grid: FakeSlack) -> None:
    with pytest.raises(SlackApiError) as outside:
        _client(grid, team_id="T0001").chat_postMessage(channel="U_ANA", text="hi")
    assert outside.value.response["error"] == "team_access_not_granted"
    with pytest.raises(SlackApiError) as unknown:
        _client(grid).chat_postMessage(channel="C_NOWHERE", text="hi")
    assert unknown.value.response["error"] == "missing_argument"
    grid.revoke(ORG_TOKEN)
    with pytest.raises(SlackApiError) as revoked:
        _client(grid, team_id="T0003").chat_postMessage(channel="C_T0003", text="hi")
    assert revoked.value.response["error"] == "invalid_auth"
    assert _client(grid, "xoxb-T0003").auth_test()["team_id"] == "T0003"  # its own token


def test_auth_test_with_the_org_token(grid: FakeSlack) -> None:
    org = _client(grid).auth_test()
    assert (org["team_id"], org["enterprise_id"], org["is_enterprise_install"]) == (
        "E0001",
        "E0001",
        True,
    )
    assert _client(grid, team_id="T0004").auth_test()["team_id"] == "T0004"
    workspace = _client(grid, "xoxb-T0003").auth_test()
    assert workspace["enterprise_id"] == "E0001" and workspace["is_enterprise_install"] is False
