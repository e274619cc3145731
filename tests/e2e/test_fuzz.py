"""Hostile and broken input, end to end: hypothesis throws random slash-command texts,
modal submissions, block actions, event payloads and malformed bodies (all signed, so
they reach the app) at the real app over HTTP. Never a 5xx; always a 200 with a clear
answer or a 4xx; and after each batch the database's invariants hold.

Then the hand-made attacks: unsigned, forged and replayed requests (401, nothing
written), and block actions or forms forged to act on someone else's report or process.

Runs are sized for speed (SQLite gets the big batches, PostgreSQL a smaller one); set
COACH_FUZZ_SCALE=10 for a long run. `pytest -s` prints the number of cases run.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.domain.durations import format_minutes
from bot.errors import SORRY
from bot.ids import Action, Callback, Field
from storage.models import Occurrence, Process, Workspace
from tests.conftest import TEAM, Coach
from tests.e2e.support import answer, counts, occurrences, processes, settle, text_of, wait_for

SCALE = float(os.environ.get("COACH_FUZZ_SCALE", "1"))
CASES: Counter[str] = Counter()
USERS = ["U_ANA", "U_BEN", "U_CAM", "U_ADMIN", "U_NOBODY"]
CHANNELS = ["C_OPS", "C_FIN", "C_UNKNOWN", "DU_ANA"]
FORM = "application/x-www-form-urlencoded"
TRACEBACK = re.compile(r"Traceback|File \"|Error\(|Exception|sqlalchemy|psycopg", re.I)


@pytest.fixture(scope="module", autouse=True)
def _report_cases() -> Any:
    yield
    total = sum(CASES.values())
    detail = ", ".join(f"{k} {v}" for k, v in sorted(CASES.items()))
    print(f"\n[fuzz] {total} cases run ({detail})")


def examples(coach: Coach, sqlite: int) -> int:
    """A few hundred examples on SQLite, a fifth of that on PostgreSQL."""
    n = sqlite if coach.db.engine.dialect.name == "sqlite" else max(20, sqlite // 5)
    return max(1, int(n * SCALE))


def run_property(coach: Coach, name: str, n: int, strategy: Any, check: Callable) -> None:
    """Run `check(example)` on `n` examples, then check the invariants."""
    seen = {"n": 0}

    @settings(
        max_examples=n,
        deadline=None,
        database=None,
        derandomize=False,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def prop(example: Any) -> None:
        seen["n"] += 1
        check(example)
        if seen["n"] % 100 == 0:
            assert_invariants(coach)

    prop()
    CASES[f"{name}[{coach.db.engine.dialect.name}]"] += seen["n"]
    settle(0.3)  # work after the acknowledgements finishes
    assert_invariants(coach)


# --------------------------------------------------------------------------- invariants


def assert_invariants(coach: Coach) -> None:
    """What the storage promises, whatever came in."""
    with coach.db.transaction() as session:
        procs = {p.id: p for p in session.scalars(select(Process))}
        occs = list(session.scalars(select(Occurrence)))
        spaces = {w.team_id: w for w in session.scalars(select(Workspace))}
        # Every occurrence belongs to an existing process of its own workspace.
        for o in occs:
            assert o.process_id in procs, f"orphan occurrence {o.id}"
            assert procs[o.process_id].team_id == o.team_id, f"occurrence {o.id} crosses teams"
            assert o.minutes > 0, f"occurrence {o.id} has {o.minutes} minutes"
        # Numbers are unique per workspace and below the workspace's next number.
        numbers = Counter((p.team_id, p.number) for p in procs.values())
        assert max(numbers.values(), default=1) == 1, "two processes share a number"
        for p in procs.values():
            assert p.team_id in spaces, f"process {p.id} has no workspace"
            assert spaces[p.team_id].next_process_number > p.number
            assert p.status in ("manual", "automating", "accepted", "retired", "merged")
            if p.merged_into_id is not None:
                target = procs.get(p.merged_into_id)
                assert target is not None and target.team_id == p.team_id
            assert p.title.strip(), f"process {p.id} has an empty title"
        # An unowned, still-manual process with no reports is one a report's undo should
        # have removed: there must be none (a split may leave a process its reporter made).
        per_process = Counter(o.process_id for o in occs)
        for p in procs.values():
            if p.status == "manual" and p.owner_id is None and p.merged_into_id is None:
                assert per_process[p.id] > 0 or _split_left(session, p), (
                    f"{p.ref} ({p.title!r}) is empty, unowned and manual"
                )
        # Merged processes hold no reports.
        for p in procs.values():
            if p.status == "merged":
                assert per_process[p.id] == 0, f"merged {p.ref} still holds reports"
        total = session.scalar(select(func.count()).select_from(Occurrence))
        assert total == len(occs)


def _split_left(session: Any, process: Process) -> bool:
    """A process emptied by "this is a different task" (its one report split off)."""
    return bool(
        session.scalar(
            select(func.count())
            .select_from(Process)
            .where(Process.team_id == process.team_id, Process.number > process.number)
        )
    )


def assert_show_matches_occurrences(coach: Coach) -> None:
    """`show Pn` (what `list` ranks by) counts exactly the rows in occurrences."""
    with coach.db.transaction() as session:
        rows = session.execute(
            select(Process.number, func.count(Occurrence.id), func.sum(Occurrence.minutes))
            .join(Occurrence, Occurrence.process_id == Process.id)
            .where(Process.team_id == TEAM, Process.merged_into_id.is_(None))
            .group_by(Process.number)
            .order_by(func.sum(Occurrence.minutes).desc())
            .limit(8)
        ).all()
    for number, count, minutes in rows:
        shown = answer(coach.sim.slash("U_ADMIN", "C_OPS", f"show P{number}"))  # sees all
        times = "once" if count == 1 else f"{count} times"
        assert f"Done {times} in the last 28 days ({format_minutes(minutes)})" in shown, (
            number,
            count,
            minutes,
            shown,
        )


# --------------------------------------------------------------------------- strategies

nasty_text = st.one_of(
    st.text(max_size=200),
    st.text(st.characters(codec="utf-8"), max_size=80),
    st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=40),
    st.sampled_from(
        [
            "'; DROP TABLE processes; --",
            "1 OR 1=1",
            "Robert'); DELETE FROM occurrences WHERE ('1'='1",
            "%s %d {0} {!r} ${HOME} `rm -rf /`",
            "<script>alert(1)</script> 20m",
            "<@U_BEN> <#C_OPS|ops> <!channel> 5m",
            "\u202eevil\u202c 10m",
            "🔥" * 300,
            "\x00\x01\x02 45m",
            "9" * 400 + "m",
            "-5m",
            "0m",
            "1e309h",
            "nan minutes",
            "99999999999h",
            "1.5.5h",
            "for 20 mins",
        ]
    ),
    st.integers(min_value=1, max_value=10_000).map(lambda n: "x" * n),
)
words = st.sampled_from(
    [
        "help",
        "list",
        "mine",
        "show",
        "own",
        "assign",
        "retire",
        "undo",
        "merge",
        "digest",
        "stats",
        "export",
        "config",
        "top",
    ]
)
args = st.lists(
    st.one_of(
        st.sampled_from(["P1", "P2", "p3", "#4", "P0", "P-1", "P99999999999999999999", "P"]),
        st.sampled_from(["<@U_BEN>", "<@U_NOBODY|x>", "@ben", "<@>", "here", "off", "weekly"]),
        st.sampled_from(["mon", "09:00", "25:99", "daily", "Mars/Olympus", "Europe/Berlin"]),
        st.sampled_from(["https://github.com/acme/ops/pull/1", "javascript:alert(1)", "http://"]),
        st.text(max_size=30),
    ),
    max_size=5,
)
command_text = st.one_of(
    nasty_text,
    st.tuples(words, args).map(lambda t: " ".join([t[0], *t[1]])),
    st.tuples(st.text(max_size=60), st.sampled_from(["45m", "1h30m", "1.5h", "", "20 mins"])).map(
        lambda t: f"{t[0]} {t[1]}"
    ),
)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=50),
)
json_value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
maybe_id = st.one_of(
    st.sampled_from(["1", "2", "3", "0", "-1", "999999", "abc", "", "1; DROP TABLE x"]),
    json_value,
)
MISSING = object()


def _maybe(d: dict[str, Any], key: str, value: Any) -> None:
    if value is not MISSING:
        d[key] = value


# --------------------------------------------------------------------------- helpers


def seed(coach: Coach) -> None:
    sim = coach.sim
    assert sim.slash("U_ANA", "C_FIN", "Reconcile Stripe payouts 45m").ok
    assert sim.slash("U_BEN", "C_OPS", "Export invoices to the ERP 1h").ok
    assert sim.slash("U_CAM", "C_OPS", "Copy leads into the CRM 30m").ok
    assert sim.slash("U_BEN", "C_OPS", "own P2").ok


def post_payload(coach: Coach, payload: Any) -> Any:
    return coach.sim.post_raw(
        urlencode({"payload": json.dumps(payload)}).encode(), content_type=FORM
    )


def assert_no_5xx(reply: Any) -> None:
    assert reply.status < 500, (reply.status, reply.body[:300])
    assert reply.status in (200, 400, 401, 404, 413), (reply.status, reply.body[:300])
    assert reply.elapsed < 3.0, reply.elapsed
    assert not TRACEBACK.search(reply.body.decode("utf-8", "replace")), reply.body[:300]


class Failures(logging.Handler):
    """Collects 'Listener failed' logs: the app hit an unexpected error somewhere."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def failures() -> Any:
    handler = Failures()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


def unexpected(failures: Failures) -> list[str]:
    return [
        f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else r.getMessage()
        for r in failures.records
    ]


# --------------------------------------------------------------------------- properties


def test_random_slash_command_texts(coach: Coach, failures: Failures) -> None:
    seed(coach)

    def check(example: tuple[str, str, str]) -> None:
        user, channel, text = example
        forms = len(coach.fake.calls_to("views.open"))
        reply = coach.sim.slash(user, channel, text)
        assert_no_5xx(reply)
        assert reply.status == 200, (text, reply.status, reply.body[:200])
        said = answer(reply).strip()
        if not said:  # no text, `config`, `retire P1` without a link: a form opens instead
            wait_for(lambda: len(coach.fake.calls_to("views.open")) > forms)
        assert SORRY not in said, (text[:200], said)
        # (a report echoes its title: "sqlalchemy" typed by the person is no leak)
        assert not TRACEBACK.search(said) or TRACEBACK.search(text), said

    strategy = st.tuples(st.sampled_from(USERS), st.sampled_from(CHANNELS), command_text)
    run_property(coach, "slash", examples(coach, 300), strategy, check)
    assert_show_matches_occurrences(coach)
    assert not unexpected(failures), unexpected(failures)[:5]


def test_random_modal_submissions(coach: Coach, failures: Failures) -> None:
    seed(coach)
    ids = [o.process_id for o in occurrences(coach.db)]
    callbacks = [c.value for c in Callback] + ["no_such_modal"]
    fields = [f.value for f in Field] + ["junk"]
    element = st.fixed_dictionaries(
        {},
        optional={
            "type": st.sampled_from(["plain_text_input", "static_select", "users_select", "x"]),
            "value": json_value,
            "selected_option": st.one_of(json_value, st.fixed_dictionaries({"value": json_value})),
            "selected_user": json_value,
        },
    )
    state = st.one_of(
        json_value,
        st.dictionaries(
            st.sampled_from(fields),
            st.one_of(json_value, st.dictionaries(st.sampled_from(fields), element, max_size=2)),
            max_size=6,
        ),
    )
    metadata = st.one_of(
        st.text(max_size=40),
        st.builds(
            lambda p, m, ch: json.dumps({"process": p, "message": m, "channel": ch}),
            st.one_of(st.sampled_from(ids + [0, 999999]), json_value),
            json_value,
            st.one_of(st.sampled_from(CHANNELS), json_value),
        ),
        json_value.map(json.dumps),
    )

    def check(example: tuple[str, str, Any, Any, Any]) -> None:
        user, callback, values, meta, view_id = example
        view: dict[str, Any] = {"id": view_id, "type": "modal", "callback_id": callback}
        _maybe(view, "state", {"values": values} if values is not MISSING else MISSING)
        _maybe(view, "private_metadata", meta)
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": user, "team_id": TEAM},
            "api_app_id": "A0COACH01",
            "trigger_id": coach.fake.issue_trigger_id(TEAM, user),
            "view": view,
            "response_urls": [],
        }
        reply = post_payload(coach, payload)
        assert_no_5xx(reply)
        if reply.status == 200 and reply.json and reply.json.get("response_action") == "errors":
            assert all(isinstance(v, str) and v for v in reply.json["errors"].values())

    strategy = st.tuples(
        st.sampled_from(USERS[:4]),
        st.sampled_from(callbacks),
        st.one_of(st.just(MISSING), state),
        st.one_of(st.just(MISSING), metadata),
        st.one_of(st.text(min_size=1, max_size=12), st.sampled_from(["V1", "V2"])),
    )
    run_property(coach, "view_submission", examples(coach, 200), strategy, check)


def test_random_block_actions(coach: Coach) -> None:
    seed(coach)
    reply = coach.sim.slash("U_ANA", "C_OPS", "Copy leads into the CRM 20m")
    ids = [str(o.id) for o in occurrences(coach.db)] + [str(p.id) for p in processes(coach.db)]
    action_ids = [a.value for a in Action] + ["nope", ""]
    action = st.fixed_dictionaries(
        {"action_id": st.one_of(st.sampled_from(action_ids), json_value)},
        optional={
            "type": st.sampled_from(["button", "static_select", "overflow"]),
            "value": st.one_of(st.sampled_from(ids), maybe_id),
            "block_id": st.one_of(st.text(max_size=10), json_value),
            "selected_option": json_value,
            "action_ts": st.just("1.1"),
        },
    )

    def check(example: tuple[str, Any, bool, bool, Any]) -> None:
        user, actions, with_message, with_url, user_shape = example
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": user, "team_id": TEAM} if user_shape is MISSING else user_shape,
            "api_app_id": "A0COACH01",
            "trigger_id": coach.fake.issue_trigger_id(TEAM, user),
            "actions": actions,
        }
        if with_message:
            payload["container"] = {
                "type": "message",
                "message_ts": reply.message.ts,
                "channel_id": "C_OPS",
                "is_ephemeral": True,
            }
            payload["channel"] = {"id": "C_OPS", "name": "ops"}
        if with_url:
            payload["response_url"] = coach.fake.new_response_url(TEAM, "C_OPS", user)
        got = post_payload(coach, payload)
        assert_no_5xx(got)

    strategy = st.tuples(
        st.sampled_from(USERS),
        st.one_of(st.lists(action, min_size=1, max_size=2), json_value),
        st.booleans(),
        st.booleans(),
        st.one_of(st.just(MISSING), st.just(MISSING), json_value),
    )
    run_property(coach, "block_actions", examples(coach, 300), strategy, check)
    said = [text_of(m) for m in coach.fake.messages if m.source == "response_url"]
    assert not [s for s in said if TRACEBACK.search(s)]


def test_random_event_payloads(coach: Coach) -> None:
    seed(coach)
    bot_msg = coach.sim.mention("U_ANA", "C_OPS", "spent 20 minutes copying leads")
    assert bot_msg.ok
    types = ["app_mention", "reaction_added", "app_home_opened", "message", "app_uninstalled"]
    event = st.fixed_dictionaries(
        {"type": st.one_of(st.sampled_from(types), json_value)},
        optional={
            "user": st.one_of(st.sampled_from(USERS), json_value),
            "text": st.one_of(command_text, json_value),
            "channel": st.one_of(st.sampled_from(CHANNELS), json_value),
            "ts": st.one_of(st.just(bot_msg.message.ts), json_value),
            "thread_ts": json_value,
            "reaction": st.one_of(
                st.sampled_from(["white_check_mark", "robot_face", "zzz", "heavy_plus_sign"]),
                json_value,
            ),
            "item": st.one_of(
                st.fixed_dictionaries(
                    {
                        "type": st.sampled_from(["message", "file"]),
                        "channel": st.sampled_from(CHANNELS),
                        "ts": json_value,
                    }
                ),
                json_value,
            ),
            "tab": st.one_of(st.sampled_from(["home", "messages"]), json_value),
            "bot_id": json_value,
        },
    )

    def check(example: tuple[Any, Any, Any]) -> None:
        inner, event_id, team = example
        envelope: dict[str, Any] = {
            "token": "x",
            "api_app_id": "A0COACH01",
            "type": "event_callback",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT1", "is_bot": True}],
        }
        _maybe(envelope, "event", inner)
        _maybe(envelope, "event_id", event_id)
        _maybe(envelope, "team_id", team)
        got = coach.sim.post_raw(json.dumps(envelope).encode(), content_type="application/json")
        assert_no_5xx(got)

    strategy = st.tuples(
        st.one_of(event, json_value, st.just(MISSING)),
        st.one_of(st.text(min_size=1, max_size=20), json_value, st.just(MISSING)),
        st.one_of(st.just(TEAM), st.just(TEAM), json_value, st.just(MISSING)),
    )
    run_property(coach, "events", examples(coach, 200), strategy, check)


def test_malformed_bodies(coach: Coach) -> None:
    seed(coach)
    kinds = [FORM, "application/json", "text/plain", "multipart/form-data", ""]
    body = st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        json_value.map(lambda v: json.dumps(v).encode()),
        json_value.map(lambda v: urlencode({"payload": json.dumps(v)}).encode()),
        st.text(max_size=100).map(lambda t: urlencode({"payload": t}).encode()),
        st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=5).map(
            lambda d: urlencode(d).encode()
        ),
        st.dictionaries(
            st.sampled_from(["command", "text", "user_id", "team_id", "trigger_id", "channel_id"]),
            st.one_of(st.text(max_size=30), st.just("/manual-task")),
            max_size=6,
        ).map(lambda d: urlencode(d).encode()),
        st.sampled_from(
            [
                b"payload=%7B%22type%22%3A%22view_submission%22%7D",
                b'{"type":"event_callback","event":"x"}',
                b'{"type":"url_verification"}',
                b'{"type":"url_verification","challenge":{"a":1}}',
                b"payload=" + b"%5B" * 500,
                b"\xff\xfe\xfd",
                b'{"a":' * 1000,
            ]
        ),
    )

    def check(example: tuple[bytes, str]) -> None:
        raw, kind = example
        got = coach.sim.post_raw(raw, content_type=kind)
        assert_no_5xx(got)

    run_property(
        coach, "malformed", examples(coach, 300), st.tuples(body, st.sampled_from(kinds)), check
    )
    assert len(occurrences(coach.db)) == 3


def test_oversized_bodies_are_refused(coach: Coach) -> None:
    big = urlencode({"command": "/manual-task", "text": "x" * 1_100_000}).encode()
    got = coach.sim.post_raw(big, content_type=FORM)
    assert got.status == 413
    assert counts(coach.db)["occurrences"] == 0


# --------------------------------------------------------------------------- signatures


def _requests(coach: Coach) -> dict[str, tuple[bytes, str]]:
    """One request of each kind that would write something if it were accepted."""
    rep = occurrences(coach.db)[-1]
    slash = {
        "command": "/manual-task",
        "text": "Renew the certificates 20m",
        "team_id": TEAM,
        "user_id": "U_ANA",
        "channel_id": "C_OPS",
        "trigger_id": coach.fake.issue_trigger_id(TEAM, "U_ANA"),
        "response_url": coach.fake.new_response_url(TEAM, "C_OPS", "U_ANA"),
    }
    event = {
        "type": "event_callback",
        "team_id": TEAM,
        "event_id": "EvSIG1",
        "event_time": int(time.time()),
        "event": {
            "type": "app_mention",
            "user": "U_BEN",
            "text": "<@UBOT1> payouts 20m",
            "channel": "C_OPS",
            "ts": coach.fake.new_ts(),
        },
    }
    click = {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "trigger_id": coach.fake.issue_trigger_id(TEAM, "U_ANA"),
        "actions": [{"action_id": Action.UNDO_REPORT.value, "value": str(rep.id)}],
        "response_url": coach.fake.new_response_url(TEAM, "C_OPS", "U_ANA"),
    }
    submit = {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "view": {
            "id": "VSIG1",
            "callback_id": Callback.REPORT.value,
            "private_metadata": json.dumps({"channel": "C_OPS"}),
            "state": {
                "values": {
                    Field.WHAT.value: {Field.WHAT.value: {"value": "Renew certificates"}},
                    Field.HOW_LONG.value: {Field.HOW_LONG.value: {"value": "20m"}},
                }
            },
        },
    }
    return {
        "slash": (urlencode(slash).encode(), FORM),
        "event": (json.dumps(event).encode(), "application/json"),
        "click": (urlencode({"payload": json.dumps(click)}).encode(), FORM),
        "submit": (urlencode({"payload": json.dumps(submit)}).encode(), FORM),
    }


@pytest.mark.parametrize("how", ["missing", "wrong", "replayed"])
def test_unsigned_forged_or_replayed_requests_get_401_and_write_nothing(
    coach: Coach, how: str
) -> None:
    seed(coach)
    settle(0.5)  # the seed's own work after its acknowledgements
    before, calls = counts(coach.db), len(coach.fake.calls)
    sign: dict[str, Any] = {
        "missing": {"sign": False},
        "wrong": {"bad_signature": True},
        "replayed": {"timestamp": int(time.time()) - 5 * 60 - 30},  # valid HMAC, old stamp
    }[how]
    for kind, (raw, content_type) in _requests(coach).items():
        got = coach.sim.post_raw(raw, content_type=content_type, **sign)
        assert got.status == 401, (kind, got.status, got.body)
        CASES[f"signatures[{coach.db.engine.dialect.name}]"] += 1
    settle(0.3)
    assert counts(coach.db) == before
    assert len(coach.fake.calls) == calls
    # The very same requests, signed now, are accepted: the refusal was the signature's.
    raw, content_type = _requests(coach)["slash"]
    got = coach.sim.post_raw(raw, content_type=content_type)
    assert got.status == 200 and "P4" in answer(got)


# --------------------------------------------------------------------------- permissions


def forged_click(coach: Coach, user: str, action_id: str, value: str, **extra: Any) -> Any:
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A0COACH01",
        "trigger_id": coach.fake.issue_trigger_id(TEAM, user),
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "forged",
                "value": value,
                "action_ts": coach.fake.new_ts(),
            }
        ],
        "container": {"type": "message", "message_ts": "1.1", "channel_id": "C_OPS"},
        "channel": {"id": "C_OPS", "name": "ops"},
        "response_url": coach.fake.new_response_url(TEAM, "C_OPS", user),
        **extra,
    }
    return post_payload(coach, payload)


def said_to(coach: Coach, user: str) -> list[str]:
    return [
        text_of(m)
        for m in coach.fake.messages
        if m.source == "response_url" and m.user == user and m.ephemeral
    ]


def snapshot(coach: Coach) -> Any:
    rows = counts(coach.db)
    return (
        rows,
        [(p.ref, p.owner_id, p.status, p.merged_into_id) for p in processes(coach.db)],
        [(o.id, o.process_id, o.user_id) for o in occurrences(coach.db)],
    )


def test_forged_clicks_on_someone_elses_buttons_change_nothing(coach: Coach) -> None:
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m").ok  # P1, Ana's
    assert coach.sim.slash("U_BEN", "C_OPS", "Export invoices to the ERP 1h").ok  # P2, Ben's
    assert coach.sim.slash("U_BEN", "C_OPS", "own P2").ok
    ana_report = occurrences(coach.db)[0]
    p1, p2 = processes(coach.db)
    before = snapshot(coach)

    attacks = [
        (Action.UNDO_REPORT, str(ana_report.id), "Only the person who made a report"),
        (Action.SPLIT_REPORT, str(ana_report.id), "Only the person who made a report"),
        (Action.MARK_AUTOMATED, str(p1.id), "Only P1's owner"),
        (Action.MARK_AUTOMATED, str(p2.id), "Only P2's owner"),
        (Action.TAKE_OWNERSHIP, str(p2.id), "Only P2's owner"),
    ]
    for n, (action, value, refusal) in enumerate(attacks, start=1):
        got = forged_click(coach, "U_CAM", action.value, value)
        assert got.status == 200
        said = wait_for(lambda n=n: len(said_to(coach, "U_CAM")) >= n and said_to(coach, "U_CAM"))
        assert refusal in said[n - 1], (action, said[n - 1])
        CASES[f"forged[{coach.db.engine.dialect.name}]"] += 1
    settle(0.3)
    assert snapshot(coach) == before
    assert coach.fake.open_modals(TEAM, "U_CAM") == []
    assert not [m for m in coach.fake.messages_in("C_OPS") if m.from_bot and "🎉" in m.text]


def test_forged_forms_on_someone_elses_process_change_nothing(coach: Coach) -> None:
    assert coach.sim.slash("U_ANA", "C_OPS", "Reconcile Stripe payouts 45m").ok
    p1 = processes(coach.db)[0]
    before = snapshot(coach)
    forms = {
        Callback.RETIRE: {Field.LINK: "https://github.com/acme/ops/pull/9", Field.HOW: "cron"},
        Callback.NOT_WORTH: {Field.REASON: "too risky"},
        Callback.REASSIGN: {Field.NEW_OWNER: "U_BEN"},
    }
    for callback, fields in forms.items():
        values = {
            f.value: {f.value: {"type": "plain_text_input", "value": v}} for f, v in fields.items()
        }
        if Field.REASON in fields:
            values = {
                Field.REASON.value: {
                    Field.REASON.value: {
                        "type": "static_select",
                        "selected_option": {"value": fields[Field.REASON]},
                    }
                }
            }
        if Field.NEW_OWNER in fields:
            values = {
                Field.NEW_OWNER.value: {
                    Field.NEW_OWNER.value: {"type": "users_select", "selected_user": "U_BEN"}
                }
            }
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": "U_CAM", "team_id": TEAM},
            "api_app_id": "A0COACH01",
            "trigger_id": coach.fake.issue_trigger_id(TEAM, "U_CAM"),
            "view": {
                "id": f"VFORGED{callback.value}",
                "type": "modal",
                "callback_id": callback.value,
                "private_metadata": json.dumps(
                    {"process": p1.id, "message": {"channel": "C_OPS", "ts": "1.1"}}
                ),
                "state": {"values": values},
            },
            "response_urls": [],
        }
        got = post_payload(coach, payload)
        assert got.status == 200, (callback, got.status, got.body)
        assert got.json and got.json.get("response_action") == "errors", (callback, got.body)
        assert "Only P1's owner" in json.dumps(got.json), (callback, got.json)
        CASES[f"forged[{coach.db.engine.dialect.name}]"] += 1
    settle(0.3)
    assert snapshot(coach) == before
    assert not [m for m in coach.fake.messages_in("C_OPS") if m.from_bot and "🎉" in m.text]


def test_a_prompt_button_without_a_value_is_answered_at_once(coach: Coach) -> None:
    """Regression: nudge buttons raised after ack(), and Bolt's thread runner then threw
    the acknowledgement away (404 after 3 s)."""
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": "U_ANA", "team_id": TEAM},
        "api_app_id": "A0COACH01",
        "trigger_id": coach.fake.issue_trigger_id(TEAM, "U_ANA"),
        "actions": [{"action_id": Action.AUTOMATING.value}],
    }
    got = post_payload(coach, payload)
    assert got.status == 200 and got.elapsed < 3.0, (got.status, got.elapsed)
