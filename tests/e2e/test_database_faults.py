"""A database that stops answering gets answers, not hangs: the real app over HTTP, with
DATABASE_URL through a TCP proxy (tests/tcp_proxy.py) that forwards, refuses or
black-holes PostgreSQL's traffic.

What was found before, each reproduced here: a slash command hung for more than 40 s;
`/healthz` hung for more than 20 s; a worker thread was still stuck in psycopg minutes
later. Now the command answers within Slack's 3 s, saying whether anything was stored;
`/healthz` answers at once and `/readyz` says 503 within 2 s; no thread stays in psycopg,
and everything works again once the database does.
"""

from __future__ import annotations

import http.client
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.app import create_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.errors import LOST_DATABASE, NO_DATABASE
from bot.server import serve_in_thread, wsgi_app
from bot.standin.fakeslack import FakeSlack
from bot.standin.simulator import Reply, SlackSimulator
from storage.db import Database
from storage.models import SlackUser
from tests.conftest import PG_URL, SECRET, TEAM, _truncate
from tests.e2e.support import occurrences, wait_for
from tests.e2e.test_serve import _clean_env, _free_port
from tests.storage.test_deadlines import _in_psycopg
from tests.tcp_proxy import TcpProxy, through

pytestmark = pytest.mark.postgres
ANSWER_WITHIN = 3.0  # Slack gives up on an acknowledgement after 3 s


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    url = make_url(PG_URL)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as p:
        yield p


@pytest.fixture
def empty_pg(pg_database: str) -> str:
    direct = Database(pg_database)
    _truncate(direct)
    direct.dispose()
    return pg_database


def get(port: int, path: str) -> tuple[int, float]:
    """GET `path` on the app: (status, seconds it took)."""
    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status, time.monotonic() - began


def answered(reply: Reply) -> str:
    """The text of a slash command's answer, which must come within Slack's 3 s."""
    assert reply.status == 200 and reply.json is not None, reply.body[:300]
    assert reply.elapsed < ANSWER_WITHIN, f"answered after {reply.elapsed:.2f} s"
    return str(reply.json["text"])


# --------------------------------------------------------------------------- coach serve


@pytest.fixture
def served(
    fake: FakeSlack, proxy: TcpProxy, empty_pg: str, tmp_path: Path
) -> Iterator[tuple[int, SlackSimulator]]:
    """`coach serve` (gunicorn, one worker of 4 threads) with its database behind `proxy`."""
    port = _free_port()
    env = _clean_env(
        SLACK_BOT_TOKEN="xoxb-T0001",
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url,
        DATABASE_URL=through(proxy, empty_pg),
        COACH_SCHEDULER="off",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        + ["--workers", "1", "--threads", "4"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def ready() -> bool:
        try:
            return get(port, "/readyz")[0] == 200
        except OSError:
            return proc.poll() is not None  # died: stop waiting, fail below

    wait_for(ready, timeout=30, interval=0.2)
    assert proc.poll() is None, proc.communicate()[0][-2000:]
    yield port, SlackSimulator(fake, f"http://127.0.0.1:{port}/slack/events", SECRET, team_id=TEAM)
    proc.terminate()
    proc.wait(timeout=30)


def test_coach_serve_answers_in_time_while_the_database_hangs_or_refuses(
    served: tuple[int, SlackSimulator], proxy: TcpProxy, empty_pg: str
) -> None:
    port, sim = served
    assert "new process, P1" in answered(sim.slash("U_ANA", "C_OPS", "Reconcile payouts 45m"))

    proxy.mode = "blackhole"
    status, took = get(port, "/healthz")
    assert status == 200 and took < 0.5  # liveness: the process answers, database or not
    status, took = get(port, "/readyz")
    assert status == 503 and took < 2.0  # readiness: take this replica out, quickly
    with ThreadPoolExecutor(4) as pool:  # as many at once as the worker has threads
        replies = list(
            pool.map(
                lambda who: sim.slash(who, "C_OPS", "reconcile payouts 30m"),
                ["U_ANA", "U_BEN", "U_CAM", "U_ADMIN"],
            )
        )
    for reply in replies:
        assert "nothing was saved" in answered(reply)

    proxy.mode = "forward"  # the database is back: so are the worker's threads
    wait_for(lambda: get(port, "/readyz")[0] == 200, timeout=10, interval=0.1)
    assert "Logged 30m on P1" in answered(sim.slash("U_BEN", "C_OPS", "reconcile payouts 30m"))

    proxy.mode = "refuse"
    assert answered(sim.slash("U_CAM", "C_OPS", "reconcile payouts 20m")) == NO_DATABASE
    assert get(port, "/readyz")[0] == 503

    proxy.mode = "forward"
    direct = Database(empty_pg)
    assert [o.minutes for o in occurrences(direct)] == [45, 30]  # nothing half-stored
    direct.dispose()


# --------------------------------------------------------------------------- in process


@pytest.fixture
def app_via(
    fake: FakeSlack, proxy: TcpProxy, empty_pg: str, clock: ManualClock
) -> Iterator[SlackSimulator]:
    """The app served in this process (so its threads can be inspected), over HTTP with
    signing on, its database behind `proxy`."""
    db = Database(through(proxy, empty_pg))
    settings = Settings(
        database_url=db.url,
        slack_bot_token="xoxb-T0001",
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
    )
    server = serve_in_thread(wsgi_app(create_app(settings, db=db, clock=clock), db))
    try:
        yield SlackSimulator(
            fake, f"http://127.0.0.1:{server.server_port}/slack/events", SECRET, team_id=TEAM
        )
    finally:
        proxy.mode = "forward"
        server.shutdown()
        server.server_close()
        db.dispose()


def test_no_thread_stays_stuck_in_psycopg(app_via: SlackSimulator, proxy: TcpProxy) -> None:
    assert "new process, P1" in answered(app_via.slash("U_ANA", "C_OPS", "Export invoices 1h"))
    proxy.mode = "blackhole"
    for who in ("U_ANA", "U_BEN"):
        assert "nothing was saved" in answered(app_via.slash(who, "C_OPS", "export invoices 1h"))
    # Every thread that touched the database (listeners, the Home tab's redraws) is back.
    wait_for(lambda: not _in_psycopg(), timeout=3)
    proxy.mode = "forward"
    assert "Logged 1h on P1" in answered(app_via.slash("U_CAM", "C_OPS", "export invoices 1h"))


def _known(url: str, user_id: str) -> bool:
    direct = Database(url)
    try:
        with direct.transaction() as session:
            return session.get(SlackUser, ("T0001", user_id)) is not None
    finally:
        direct.dispose()


@pytest.mark.parametrize("delivered", [False, True])
def test_a_commit_lost_in_flight_is_said_to_be_maybe_saved(
    app_via: SlackSimulator, proxy: TcpProxy, empty_pg: str, delivered: bool
) -> None:
    # Who Ana is is known first (the lookup saves it in the background, with a COMMIT
    # of its own), so that the next COMMIT is the report's.
    assert answered(app_via.slash("U_ANA", "C_OPS", "help"))
    wait_for(lambda: _known(empty_pg, "U_ANA"))
    proxy.blackhole_on(b"COMMIT", deliver=delivered)  # the next COMMIT: this report's
    assert answered(app_via.slash("U_ANA", "C_OPS", "Export invoices 1h")) == LOST_DATABASE
    proxy.mode = "forward"
    direct = Database(empty_pg)
    assert len(occurrences(direct)) == (1 if delivered else 0)  # "may": both happen
    direct.dispose()


@pytest.mark.parametrize("outage", ["refuse", "blackhole"])
def test_a_mention_during_an_outage_is_stored_once_when_slack_retries(
    served: tuple[int, SlackSimulator], proxy: TcpProxy, empty_pg: str, fake: FakeSlack, outage
) -> None:
    """A mention while the database is down (refusing, or hanging) got its 200 and was lost.
    Now Slack hears a 5xx, so it sends the event again (Slack retries up to three times over
    about five minutes); once the database is back, the retry is stored and answered once,
    and a further retry of the same event changes nothing."""
    port, sim = served
    bot = fake.team(TEAM).bot_user_id
    posted = fake.post_user_message(TEAM, "C_OPS", "U_ANA", f"<@{bot}> Export invoices 40m")
    event = sim._user_post_event("app_mention", "U_ANA", posted)  # noqa: SLF001

    proxy.mode = outage
    first = sim.event(event, event_id="EvOUTAGE1")
    assert first.status >= 500, (first.status, first.body[:200])
    assert first.elapsed < ANSWER_WITHIN  # within Slack's 3 s, so Slack counts it a failure

    proxy.mode = "forward"
    wait_for(lambda: get(port, "/readyz")[0] == 200, timeout=10, interval=0.1)
    for retry in (1, 2):  # Slack's retry, and one more for good measure
        again = sim.event(event, event_id="EvOUTAGE1", retry_num=retry)
        assert again.status == 200, again.body[:200]
    direct = Database(empty_pg)
    assert [o.minutes for o in occurrences(direct)] == [40]
    direct.dispose()
    replies = wait_for(
        lambda: [
            m for m in fake.messages_in("C_OPS") if m.source == "api" and "Logged 40m" in m.text
        ]
    )
    time.sleep(0.5)  # a second answer would come now
    assert (
        len([m for m in fake.messages_in("C_OPS") if "Logged 40m" in m.text]) == len(replies) == 1
    )
