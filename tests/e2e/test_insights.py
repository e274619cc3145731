"""App Home, `/manual-task stats`, `export` (and `coach export`) and `config`, end to end
over real HTTP against the fake Slack, on SQLite and PostgreSQL, with an injected clock."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import timedelta

from bot.services.export import export_command
from bot.standin.fakeslack import UploadedFile, View
from bot.standin.render import render_blocks
from storage.models import Workspace
from tests.conftest import TEAM, Coach
from tests.e2e.support import answer, process, settle, text_of
from tests.e2e.support import processes as support_processes

LINK = "https://github.com/acme/ops/pull/42"


def home_text(coach: Coach, user_id: str) -> str:
    view = coach.fake.home_of(TEAM, user_id)
    return "\n".join(render_blocks(view.blocks)) if view else ""


def wait_home(coach: Coach, user_id: str, *needles: str) -> str:
    """The user's Home tab once it shows every one of `needles`."""
    try:
        coach.fake.wait_for(lambda: all(n in home_text(coach, user_id) for n in needles))
    except TimeoutError:
        shown = home_text(coach, user_id)
        raise AssertionError(f"Home never showed {needles}:\n{shown}") from None
    return home_text(coach, user_id)


def slash(coach: Coach, user: str, text: str, channel: str = "C_OPS") -> str:
    reply = coach.sim.slash(user, channel, text)
    assert reply.ok, reply.body
    return answer(reply)


def workspace(coach: Coach) -> Workspace:
    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        assert ws is not None
        return ws


# --------------------------------------------------------------------------- App Home


def test_home_shows_my_work_and_refreshes_after_each_change(coach: Coach) -> None:
    slash(coach, "U_ANA", "Reconcile Stripe payouts 45m", "C_FIN")
    slash(coach, "U_BEN", "reconcile stripe payouts 45m", "C_FIN")
    slash(coach, "U_CAM", "reconcile stripe payouts 45m", "C_FIN")
    slash(coach, "U_BEN", "Export invoices to the ERP 1h")
    assert "now own" in slash(coach, "U_ANA", "own P1")

    assert coach.sim.open_home("U_ANA").ok
    # P1: 135 minutes in 28 days = 33.75 a week; P2: 60 / 4 = 15 a week.
    home = wait_home(coach, "U_ANA", "P1 · Reconcile Stripe payouts (manual)", "owner @U_ANA")
    mine, rest = home.split("Your recent reports")
    reports, top = rest.split("The team's most costly processes")
    assert "34m a week" in mine and "P2" not in mine
    assert "P1 · Reconcile Stripe payouts: 45m on Mon 23 Nov" in reports
    assert top.index("P1 · Reconcile Stripe payouts") < top.index("P2 · Export invoices")
    assert "15m a week" in top and "owner @U_ANA" in top
    assert "0m a week eliminated for good, 0m a year · 0 processes retired" in home
    view = coach.fake.home_of(TEAM, "U_ANA")
    assert view is not None and len(view.blocks) <= 100
    assert {"nudge_automating", "process_mark_automated", "nudge_not_worth"} <= {
        b["action_id"] for b in coach.sim.buttons(view)
    }

    # "I'll automate it", clicked from Home: saved, and the Home redraws itself.
    assert coach.sim.click("U_ANA", view, action_id="nudge_automating").ok
    wait_home(coach, "U_ANA", "being automated", "Done: it's automated")
    assert process(coach.db, "P1").status == "automating"

    # "Done: it's automated" from Home opens the retire form; submitting retires P1.
    view = coach.fake.home_of(TEAM, "U_ANA")
    assert view is not None
    assert coach.sim.click("U_ANA", view, action_id="process_mark_automated").ok
    # "I'll automate it" left its own form open (the optional estimate): the retire form
    # is the one this click opens.
    form = coach.fake.wait_for(
        lambda: [
            m for m in coach.fake.open_modals(TEAM, "U_ANA") if m.callback_id == "retire_modal"
        ]
    )[-1]
    assert coach.sim.submit("U_ANA", form, {"link": LINK}).ok
    # 33.75 minutes a week eliminated = 29.25 hours a year.
    home = wait_home(coach, "U_ANA", "1 process retired")
    assert "34m a week eliminated for good, 29h a year · 1 process retired" in home
    # What she owns is retired: Home says so, not "You don't own any process yet".
    assert "Nothing you own is manual any more: you own 1 process, all retired (P1)" in home
    assert "You don't own any process yet" not in home
    assert process(coach.db, "P1").status == "retired"

    # A report refreshes the reporter's Home; Refresh redraws it on demand.
    slash(coach, "U_ANA", "Copy leads into the CRM 40m")
    wait_home(coach, "U_ANA", "P3 · Copy leads into the CRM: 40m")
    before = len(coach.fake.calls_to("views.publish"))
    view = coach.fake.home_of(TEAM, "U_ANA")
    assert view is not None
    assert coach.sim.click("U_ANA", view, action_id="home_refresh").ok
    coach.fake.wait_for(lambda: len(coach.fake.calls_to("views.publish")) > before)


def _publishes(coach: Coach, user_id: str) -> int:
    return sum(1 for c in coach.fake.calls_to("views.publish") if c.arg("user_id") == user_id)


def test_home_for_someone_new_and_messages_tab_is_ignored(coach: Coach) -> None:
    slash(coach, "U_BEN", "Export invoices to the ERP 1h")
    assert coach.sim.open_home("U_CAM").ok
    home = wait_home(coach, "U_CAM", "Your processes")
    assert "You don't own any process yet" in home
    assert "Nothing yet" in home and "P1 · Export invoices to the ERP" in home
    assert _publishes(coach, "U_CAM") == 1
    channel = coach.fake.dm_channel(TEAM, "U_CAM").id
    event = {"type": "app_home_opened", "user": "U_CAM", "channel": channel, "tab": "messages"}
    assert coach.sim.event({**event, "event_ts": coach.fake.new_ts()}).ok
    settle(0.2)
    assert _publishes(coach, "U_CAM") == 1


# --------------------------------------------------------------------------- stats


def test_stats_figures_match_hand_computed_ones(coach: Coach) -> None:
    assert "Nothing reported" in slash(coach, "U_ANA", "stats")
    # Week 1 (Mon 23 Nov): 45 + 60 = 105 minutes.
    slash(coach, "U_ANA", "Reconcile Stripe payouts 45m")
    slash(coach, "U_BEN", "Export invoices to the ERP 1h")
    # A week and an hour later: 45 + 45 + 10 = 100 minutes, then P3 is retired.
    coach.clock.advance(timedelta(days=7, hours=1))
    slash(coach, "U_CAM", "reconcile stripe payouts 45m")
    slash(coach, "U_BEN", "reconcile stripe payouts 45m")
    slash(coach, "U_CAM", "Rename the shared drive folder 10m")
    assert "Retired P3" in slash(coach, "U_CAM", f"retire P3 {LINK}")

    got = slash(coach, "U_ANA", "stats")
    # 3 reported, 1 retired, 2 open; 5 reports by 3 people.
    assert "3 processes reported, 1 retired" in got
    assert "3 (2 open)" in got and "5 by 3 people" in got
    # Manual now: P1 135 + P2 60 = 195 min / 4 = 48.75 a week = 42.25 h a year.
    assert "49m a week* (42h a year)" in got
    # Eliminated: P3's 10 / 4 = 2.5 min a week = 2.17 h a year.
    assert "3m a week* (2h 10m a year)" in got
    # Trend: 100 this week against 105 the week before = -4.8%.
    assert "1h 40m (▼ 5% on the 7 days before: 1h 45m)" in got
    assert "set an hourly rate" in got

    with coach.db.transaction() as s:
        ws = s.get(Workspace, TEAM)
        assert ws is not None
        ws.hourly_rate, ws.currency = 100.0, "EUR"
    got = slash(coach, "U_ANA", "stats")
    assert "(42h a year · €4,225 a year)" in got  # 42.25 h × 100
    assert "(2h 10m a year · €217 a year)" in got  # 2.1667 h × 100
    assert "set an hourly rate" not in got


# --------------------------------------------------------------------------- export


def _other_workspace(coach: Coach) -> None:
    coach.fake.add_team("T0002", name="Globex", bot_token="xoxb-T0002", bot_user_id="UBOT2")
    coach.fake.add_channel("T0002", "C_OPS", "ops")
    coach.fake.add_user("T0002", "U_ZED", "zed")
    other = coach.sim.for_team("T0002")
    assert other.slash("U_ZED", "C_OPS", "Secret merger paperwork 2h").ok


def _shared(coach: Coach, n: int) -> list[UploadedFile]:
    shared = [f for f in coach.fake.files if f.shared]
    return shared if len(shared) == n else []


def _csv(upload: UploadedFile) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(upload.content.decode("utf-8"))))


def occs_text_guard(text: str) -> bool:
    return text.startswith("'=HYPERLINK") or not text.startswith("=")


def test_export_dms_two_csv_files_of_this_workspace_only(coach: Coach) -> None:
    assert "Nothing to export yet" in slash(coach, "U_ANA", "export")
    _other_workspace(coach)
    slash(coach, "U_ANA", "Reconcile Stripe payouts 45m", "C_FIN")
    slash(coach, "U_BEN", "reconcile stripe payouts 30m", "C_FIN")
    slash(coach, "U_ANA", '=HYPERLINK("x") Copy leads into the CRM 40m')

    assert "Sending you a CSV" in slash(coach, "U_ANA", "export")
    files: list[UploadedFile] = coach.fake.wait_for(lambda: _shared(coach, 2))
    dm = coach.fake.dm_channel(TEAM, "U_ANA").id
    assert {f.channel for f in files} == {dm}
    by_name = {f.filename.split("-")[2]: f for f in files}
    procs, occs = _csv(by_name["processes"]), _csv(by_name["occurrences"])

    assert [(p["ref"], p["reports"], p["minutes_total"]) for p in procs] == [
        ("P1", "2", "75"),
        ("P2", "1", "40"),
    ]
    assert procs[0]["minutes_per_week"] == "18.75" and procs[0]["owner"] == ""
    assert occs_text_guard(occs[-1]["text"])  # never a live formula
    assert [(o["process"], o["user"], o["minutes"]) for o in occs] == [
        ("P1", "U_ANA", "45"),
        ("P1", "U_BEN", "30"),
        ("P2", "U_ANA", "40"),
    ]
    # Beside each id, the name Slack gave the bot (users.info), where it knows one.
    assert [o["user_name"] for o in occs] == ["Ana", "Ben", "Ana"]
    assert procs[0]["reporter_name"] == "Ana" and procs[0]["owner_name"] == ""
    raw = b"".join(f.content for f in files).decode()
    assert "Secret merger" not in raw and "T0002" not in raw and "U_ZED" not in raw
    message = coach.fake.last_message(dm, team_id=TEAM)
    assert message is not None and "Your export" in text_of(message)


def test_a_guest_exports_only_their_own_reports(coach: Coach) -> None:
    """A guest (a restricted account, or someone from another organization) once got
    every report by DM, a private HR note included."""
    coach.fake.add_user(TEAM, "U_GUEST", "gus", tz="UTC", is_restricted=True)
    coach.fake.add_user(TEAM, "U_EXT", "eve", tz="UTC", home_team="T_PARTNER")
    slash(coach, "U_ANA", "Fix salary of Jane Doe after PIP 30m")
    slash(coach, "U_GUEST", "Copy leads into the CRM 20m")

    assert "nothing to export" in slash(coach, "U_EXT", "export")  # eve reported nothing
    for user in ("U_GUEST",):
        before = len(coach.fake.files)
        assert "your own reports" in slash(coach, user, "export")
        files = coach.fake.wait_for(
            lambda before=before: [f for f in coach.fake.files[before:] if f.shared]
        )
        assert [f.filename.split("-")[2] for f in files] == ["occurrences"]
        rows = _csv(files[0])
        assert {r["user"] for r in rows} <= {user}
        assert not [r for r in rows if "salary" in (r["text"] + r["process_title"]).lower()]
    assert [r["user"] for r in _csv([f for f in coach.fake.files if f.shared][0])] == ["U_GUEST"]


def test_coach_export_cli_writes_json_and_csv(coach: Coach, tmp_path: object) -> None:
    _other_workspace(coach)
    slash(coach, "U_ANA", "Reconcile Stripe payouts 45m", "C_FIN")
    slash(coach, "U_BEN", "reconcile stripe payouts 30m", "C_FIN")
    env = {**os.environ, "DATABASE_URL": coach.db.url, "SLACK_BOT_TOKEN": "", "LOG_LEVEL": "ERROR"}

    def cli(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", "export", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    every = json.loads(cli("--format", "json"))
    assert sorted(w["team_id"] for w in every["workspaces"]) == [TEAM, "T0002"]
    assert sorted(p["title"] for p in every["processes"]) == [
        "Reconcile Stripe payouts",
        "Secret merger paperwork",
    ]
    # In-process, to keep the test fast: one workspace only.
    path = f"{tmp_path}/ours.json"
    export_command(coach.db, fmt="json", workspaces=[TEAM], output=path, now=coach.clock.now())
    with open(path, encoding="utf-8") as f:
        ours = json.load(f)
    assert [(p["ref"], p["minutes_total"], p["reports"]) for p in ours["processes"]] == [
        ("P1", 75, 2)
    ]
    assert [(o["user"], o["user_name"], o["minutes"]) for o in ours["occurrences"]] == [
        ("U_ANA", "Ana", 45),
        ("U_BEN", "Ben", 30),
    ]
    assert [e["by_name"] for e in ours["history"]] == ["Ana"]
    assert [(h["process"], h["event"], h["by"]) for h in ours["history"]] == [
        ("P1", "reported", "U_ANA")
    ]
    out = f"{tmp_path}/processes.csv"
    assert cli("--workspace", TEAM, "--table", "processes", "--output", out) == ""
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(r["ref"], r["minutes_last_28_days"]) for r in rows] == [("P1", "75")]


# --------------------------------------------------------------------------- config


def _config_modal(coach: Coach, user: str) -> View:
    return coach.fake.wait_for(
        lambda: [v for v in coach.fake.open_modals(TEAM, user) if v.callback_id == "config_modal"]
    )[-1]


GOOD = {
    "hourly_rate": "100",
    "currency": "eur",
    "nudge_threshold": "30",
    "work_start": "8:30",
    "work_end": "16:30",
    "work_days": ["0", "1", "2", "3"],
    "timezone": "Europe/Berlin",
}


def test_config_is_for_admins_and_validates_every_field(coach: Coach) -> None:
    refused = slash(coach, "U_ANA", "config")
    assert "Only a workspace admin" in refused
    settle(0.2)
    assert coach.fake.open_modals(TEAM, "U_ANA") == []

    assert slash(coach, "U_ADMIN", "config") == ""
    form = _config_modal(coach, "U_ADMIN")
    assert "USD" in "\n".join(render_blocks(form.blocks))

    bad = {
        "hourly_rate": "lots",
        "currency": "EURO",
        "nudge_threshold": "-5",
        "work_start": "25:00",
        "work_end": "8:00",
        "work_days": [],
        "timezone": "Mars/Olympus_Mons",
    }
    reply = coach.sim.submit("U_ADMIN", form, bad)
    assert (reply.json or {})["response_action"] == "errors"
    assert set((reply.json or {})["errors"]) == set(bad) - {"work_end"} | {"work_days"}
    assert form.open
    ws = workspace(coach)
    assert (ws.hourly_rate, ws.currency, ws.timezone, ws.work_start) == (
        None,
        "USD",
        "UTC",
        "09:00",
    )

    reply = coach.sim.submit("U_ADMIN", form, {**GOOD, "work_end": "08:00"})
    assert (reply.json or {})["errors"] == {
        "work_end": "The working day has to end after it starts."
    }

    # A forged submission by someone who isn't an admin changes nothing.
    reply = coach.sim.submit("U_ANA", form, GOOD)
    assert (reply.json or {})["response_action"] == "errors"
    assert workspace(coach).hourly_rate is None

    reply = coach.sim.submit("U_ADMIN", form, GOOD)
    assert reply.ok and not (reply.json or {}).get("response_action")
    ws = workspace(coach)
    assert (ws.hourly_rate, ws.currency, ws.nudge_threshold_minutes) == (100.0, "EUR", 30)
    assert (ws.work_start, ws.work_end, ws.work_days, ws.timezone) == (
        "08:30",
        "16:30",
        "0,1,2,3",
        "Europe/Berlin",
    )
    confirm = coach.fake.wait_for(lambda: coach.fake.dms_to(TEAM, "U_ADMIN"))[-1]
    assert "Workspace settings saved: 100 EUR an hour" in text_of(confirm)
    assert "Mon, Tue, Wed, Thu" in text_of(confirm)

    # The new rate is used straight away: 45 min in 28 days = 0.1875 h a week × €100.
    assert "€19 a week" in slash(coach, "U_ANA", "Reconcile Stripe payouts 45m")
    # And the modal opens with what was saved.
    slash(coach, "U_ADMIN", "config")
    again = coach.fake.wait_for(
        lambda: [v for v in coach.fake.open_modals(TEAM, "U_ADMIN") if v.id != form.id]
    )[-1]
    shown = json.dumps(again.view)
    assert "Europe/Berlin" in shown and '"100"' in shown and "EUR" in shown


def test_coach_export_into_a_reader_that_stops_early_and_an_unknown_workspace(
    coach: Coach,
) -> None:
    """`coach export | head -3` ends quietly; `--workspace TNOPE` says there is no such
    workspace, writes nothing and exits 2."""
    for i in range(300):  # past the new-process limit's hour: more than a pipe holds
        coach.clock.advance(timedelta(minutes=3))
        assert "P" in slash(coach, "U_ANA", f"Task number {i} with its own words {i}x 5m", "C_FIN")
    assert len(support_processes(coach.db)) == 300
    env = {**os.environ, "DATABASE_URL": coach.db.url, "SLACK_BOT_TOKEN": ""}
    cmd = f"{sys.executable} -m bot.cli export | head -3"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", cmd], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 3 and "Traceback" not in done.stderr
    assert "BrokenPipe" not in done.stderr
    nope = subprocess.run(
        [sys.executable, "-m", "bot.cli", "export", "--workspace", "TNOPE"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert nope.returncode == 2 and nope.stdout == ""
    assert f"no workspace TNOPE here; known: {TEAM}" in nope.stderr
