"""The `retention` job: event keys, the records of the bot's posts and the claims of
scheduled work are deleted once they are older than their use. What each table is for
and who reads it decides how long it is kept:

- `slack_events`, 30 days. An event id is read only to drop Slack's retries of an event
  already handled (mentions, reactions: `storage.claims.claim_event`), and Slack retries
  three times within about five minutes. 30 days is a wide margin for that (and for a
  replica whose clock is off); a report has its own key besides (`occurrences.slack_key`).
- `bot_messages`, 90 days. A post is read when someone reacts to it
  (bot/services/reactions.py) and when an answer to a prompt redraws it
  (bot/services/prompts.py `render`). Of its kinds, report replies, "Who owns" posts and
  nudge DMs carry one-tap reactions; celebrations only say "already retired"; digests
  name no process and are never read. A process still costly and open is asked about
  again within a week or two (a fresh post), so a post older than 90 days has been
  superseded: no kind needs longer. Past it, a reaction on it is ignored, as on any
  message the bot didn't post; a button on an old prompt still records its answer (the
  `nudges` row has the message), the message is just not redrawn.
- `deliveries`, 30 days, only for the kinds in `PERIODIC_CLAIMS`. A claim stops a second
  send of the same work in the same period: `dm:team:owner:local-date` (a day),
  `who:team:process:ISO-week` (a week), `digest:team:channel:slot` (the latest slot at or
  before now; a week at most). The jobs compute keys from `now` only, so a key is looked
  at only while its period lasts, a week at most after its `claimed_at` (a takeover moves
  that on). Deleting it afterwards can't cause a re-send; even a run with an old
  `--now` re-sends nothing, because what was sent is also recorded beside the claim, in
  the same transaction: the nudge asked (`nudges.asked_at`, which `schedule.nudge_due`
  and `who_owns_due` read) and the digest's period (`last_sent_period`). A recent claim
  (still `claimed`, mid-send) is never touched. A claim of another kind is kept until it
  is added here, once someone has checked that its key names a period that ends.

- `outbox`, 30 days after a notice was delivered (or dropped: Slack can't reach the
  person). Read only while it waits, and when the DM it went out in is redrawn (an
  answered nudge keeps the notices above it); a prompt that old has been replaced by a
  newer one. A notice still waiting is never deleted, however old.

Runs in batches of `storage.retention.BATCH`, one transaction each, and at most
`MAX_BATCHES` of them a table a run, so that a first run over years of rows stays
within the run's budget; the next run goes on (figure `unfinished`). Several replicas
may run it at the same moment: see storage/retention.py. With nothing due it reads three
empty index ranges, so running it as often as the other jobs is cheap; once a day is
enough.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.domain.states import Posted, PromptKind
from bot.jobs.context import JobContext
from storage import retention

KEEP_EVENTS = timedelta(days=30)
KEEP_BOT_MESSAGES = timedelta(days=90)
KEEP_CLAIMS = timedelta(days=30)
KEEP_NOTICES = timedelta(days=30)
# The claims whose keys name a period (bot/jobs/nudges.py, bot/jobs/digests.py).
PERIODIC_CLAIMS = frozenset({"nudge_dm", PromptKind.WHO_OWNS, Posted.DIGEST})
MAX_BATCHES = 100  # a table a run: 500,000 rows

Batch = Callable[[Session], int]


def run_retention(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Delete what is past its keeping at `now`; rows deleted by table, and how many
    tables have more left for the next run."""
    figures = {
        "slack_events": 0,
        "bot_messages": 0,
        "deliveries": 0,
        "outbox": 0,
        "unfinished": 0,
    }
    for table, batch in _batches(now).items():
        for _ in range(MAX_BATCHES):
            with ctx.db.transaction() as session:
                gone = batch(session)
            figures[table] += gone
            if gone < retention.BATCH:
                break
        else:
            figures["unfinished"] += 1
    return figures


def _batches(now: datetime) -> dict[str, Batch]:
    """One batch of deletes for each table, at `now`."""
    return {
        "slack_events": lambda s: retention.delete_old_events(s, before=now - KEEP_EVENTS),
        "bot_messages": lambda s: retention.delete_old_bot_messages(
            s, before=now - KEEP_BOT_MESSAGES
        ),
        "deliveries": lambda s: retention.delete_old_claims(
            s, before=now - KEEP_CLAIMS, kinds=PERIODIC_CLAIMS
        ),
        "outbox": lambda s: retention.delete_old_notices(s, before=now - KEEP_NOTICES),
    }
