"""manifest.yml validates against Slack's schema and matches what the app registers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import handlers

ROOT = Path(__file__).resolve().parents[2]
# Slack's JSON Schema for app manifests (MIT, Slack Technologies: tests/data/*.LICENSE),
# kept with the tests so that they run wherever the project is cloned.
SCHEMA = ROOT / "tests" / "data" / "manifest.schema.1.0.0.json"

# Web API method (as slack_sdk spells it) -> the bot scope it needs.
SCOPE_OF_METHOD = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_getPermalink": None,  # a message's link, for "Log as manual work"
    "conversations_open": "im:write",
    "users_info": "users:read",
    # Whether a channel is private (bot/channels.py): each kind of conversation its scope.
    "conversations_info": ("channels:read", "groups:read", "im:read", "mpim:read"),
    "files_upload_v2": "files:write",
    "views_open": None,
    "views_update": None,
    "views_publish": None,
    "views_push": None,
    "auth_test": None,
    "send_dict": None,  # WebhookClient posting to a response_url: no scope
}
SCOPE_OF_EVENT = {
    "app_mention": "app_mentions:read",
    "reaction_added": "reactions:read",
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
    "function_executed": None,  # sent for the manifest's `functions` (Workflow Builder)
}


class RecordingApp:
    """Stands in for a Bolt App: records what `handlers.register` asks for."""

    def __init__(self) -> None:
        self.commands: set[str] = set()
        self.events: set[str] = set()
        self.actions: set[str] = set()
        self.views: set[str] = set()
        self.functions: set[str] = set()
        self.shortcuts: dict[str, str] = {}  # callback id -> message | global

    def _rec(self, bucket: set[str], name: Any) -> Any:
        bucket.add(name if isinstance(name, str) else getattr(name, "pattern", str(name)))
        return lambda *fn, **kw: fn[0] if fn else None

    def command(self, name: Any) -> Any:
        return self._rec(self.commands, name)

    def event(self, name: Any) -> Any:
        return self._rec(self.events, name)

    def action(self, name: Any) -> Any:
        return self._rec(self.actions, name)

    def view(self, name: Any) -> Any:
        return self._rec(self.views, name)

    def function(self, name: Any) -> Any:
        return self._rec(self.functions, name)

    def message_shortcut(self, name: str) -> Any:
        self.shortcuts[name] = "message"
        return lambda fn: fn

    def global_shortcut(self, name: str) -> Any:
        self.shortcuts[name] = "global"
        return lambda fn: fn

    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: lambda fn: fn


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


@pytest.fixture(scope="module")
def registered() -> RecordingApp:
    app = RecordingApp()
    handlers.register(app)  # type: ignore[arg-type]
    return app


def test_manifest_validates_against_slacks_schema(manifest: dict[str, Any]) -> None:
    schema = json.loads(SCHEMA.read_text())
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(manifest)]
    assert errors == []


def test_commands_match(manifest: dict[str, Any], registered: RecordingApp) -> None:
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == registered.commands == {"/manual-task"}


def test_events_match(manifest: dict[str, Any], registered: RecordingApp) -> None:
    declared = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    # (the catch-all acknowledges the rest; Bolt's app.function listens to function_executed)
    steps = {"function_executed"} if registered.functions else set()
    assert declared == registered.events - {".*"} | steps
    assert {"app_mention", "reaction_added", "app_home_opened"} <= declared


def test_interactivity_and_socket_mode(manifest: dict[str, Any], registered: RecordingApp) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert registered.actions and registered.views  # buttons and modals need interactivity
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_shortcuts_match(manifest: dict[str, Any], registered: RecordingApp) -> None:
    declared = {s["callback_id"]: s["type"] for s in manifest["features"]["shortcuts"]}
    assert declared == registered.shortcuts
    assert set(declared.values()) == {"message", "global"}


def test_workflow_steps_match_and_the_app_is_org_ready(
    manifest: dict[str, Any], registered: RecordingApp
) -> None:
    """Each step Bolt listens for is declared, as the simulator describes it in the
    function_executed events it sends (bot/standin/simulator/steps.py); custom steps
    need an org-ready app."""
    from bot.standin.simulator.steps import STEPS

    functions = manifest["functions"]
    assert set(functions) == registered.functions == set(STEPS)
    assert manifest["settings"]["org_deploy_enabled"] is True
    for callback_id, step in STEPS.items():
        declared = functions[callback_id]
        assert declared["title"] == step["title"]
        for side in ("input_parameters", "output_parameters"):
            described = {p["name"]: p for p in step[side]}
            assert set(declared[side]) == set(described), (callback_id, side)
            for name, parameter in declared[side].items():
                assert parameter["type"] == described[name]["type"], (callback_id, name)
                assert parameter["is_required"] == described[name]["is_required"]
                assert parameter["title"] == described[name]["title"]


def _methods_called() -> set[str]:
    found: set[str] = set()
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        if "standin" in path.relative_to(ROOT).parts:  # (not the checkout's own folder)
            continue
        found |= set(re.findall(r"\bclient\.([a-z]+_[A-Za-z0-9_]+)\(", path.read_text()))
    return found


def test_exactly_the_scopes_needed(manifest: dict[str, Any], registered: RecordingApp) -> None:
    methods = _methods_called()
    unknown = methods - SCOPE_OF_METHOD.keys()
    assert not unknown, f"add these Web API methods to SCOPE_OF_METHOD: {unknown}"
    events = registered.events - {".*"} | ({"function_executed"} if registered.functions else set())
    needed: set[str | None] = {SCOPE_OF_EVENT[e] for e in events}
    for method in methods:
        scopes = SCOPE_OF_METHOD[method]
        needed |= set(scopes) if isinstance(scopes, tuple) else {scopes}
    needed |= {"commands"} if registered.commands else set()
    needed.discard(None)
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_oauth_asks_for_the_manifests_scopes(manifest: dict[str, Any]) -> None:
    from bot.oauth import BOT_SCOPES

    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])


def test_make_run_installs_what_running_needs_pinned_as_the_tests_are() -> None:
    """requirements-run.lock is requirements.lock without the test tools: the same pins,
    every dependency of the project and theirs, and no pytest, ruff or mypy."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("run_lock", root / "tools" / "run_lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lock, pyproject = (
        (root / "requirements.lock").read_text(),
        (root / "pyproject.toml").read_text(),
    )
    written = (root / "requirements-run.lock").read_text()
    assert written == module.run_lock(lock, pyproject), "run make lock (or tools/run_lock.py)"
    pins = {line for line in written.splitlines() if "==" in line}
    assert pins <= set(lock.splitlines())
    names = {line.split("==")[0] for line in pins}
    assert {"slack-bolt", "sqlalchemy", "gunicorn", "uvicorn", "prometheus-client"} <= names
    assert not names & {"pytest", "ruff", "mypy", "hypothesis", "pytest-xdist"}


def test_every_dependency_has_an_upper_bound_and_a_pin() -> None:
    """Issue 14 found nothing pinned and no upper bound on a major version. Each of the
    project's dependencies (and test tools) has one now, and requirements.lock pins it;
    tzdata alone is versioned by year, and the lock pins it."""
    import tomllib

    root = Path(__file__).resolve().parents[2]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = [*project["dependencies"], *sum(project["optional-dependencies"].values(), [])]
    pinned = {
        line.split("==")[0].lower()
        for line in (root / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    for spec in wanted:
        name = spec.split(">")[0].split("[")[0].split("<")[0].strip().lower()
        assert "<" in spec or name == "tzdata", spec
        assert name.replace("_", "-") in pinned, spec
