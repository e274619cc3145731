"""Every message builder, fed the hostile corpus: no mention, ping or disguised link that a
person typed survives into what the bot would send, and the person's text still shows as
they typed it. A builder added to bot/messages without a case here fails the last test."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

import bot.messages
from bot.domain.cards import ProcessCard, ReportResult, StepsNote
from bot.domain.elimination import QuarterMedian
from bot.domain.growth import Change, Month
from bot.domain.history import HistoryLine
from bot.domain.lone import SinglePoints
from bot.domain.settings import WorkspaceSettings
from bot.domain.states import Event, PromptKind
from bot.domain.toil import Budget, Candidate, ToilView
from bot.errors import UserError
from bot.messages import (
    celebrations,
    conversation,
    decisions,
    digest,
    effort,
    forget,
    help,
    history,
    home,
    modals,
    nudges,
    outbox,
    ownership,
    reactions,
    reports,
    same_process,
)
from bot.messages import settings as settings_msg
from bot.messages import stats as stats_msg
from bot.messages.digest import DigestData, New, Retired
from bot.messages.home import HomePage, ReportLine
from bot.messages.nudges import PromptItem
from bot.messages.stats import Figures
from bot.mrkdwn import Mrkdwn, escape
from bot.services.retirement import check_link
from bot.standin.render import mrkdwn_to_text
from tests.hostile import (
    GOOD_LINK,
    HOSTILE_NOTE,
    HOSTILE_TITLES,
    LONG_TITLE,
    markup_problems,
    mrkdwn_texts,
    visible,
)

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
USERS = {"U_ANA", "U_BEN", "U_X1"}
CHANNELS = {"C_OPS"}
TITLES = [*HOSTILE_TITLES, LONG_TITLE]


def card(title: str, **kw: Any) -> ProcessCard:
    base = ProcessCard(
        process_id=7,
        ref="P7",
        title=title,
        status="manual",
        owner_id="U_ANA",
        reporter_id="U_BEN",
        channel_id="C_OPS",
        count=3,
        minutes=180,
        hourly_rate=80.0,
        currency="EUR",
        accepted_reason=HOSTILE_NOTE,
        automation_link=GOOD_LINK,
        source_link=GOOD_LINK,
        retired_by="U_ANA",
        eliminated_minutes_per_week=45.0,
        merged_into_ref="P3",
        snoozed_until=datetime(2026, 12, 7, tzinfo=UTC),
    )
    return replace(base, **kw)


def result(title: str, **kw: Any) -> ReportResult:
    return ReportResult(
        card=card(title),
        occurrence_id=11,
        reporter_id="U_BEN",
        minutes=40,
        created=kw.get("created", False),
        duplicate=kw.get("duplicate", False),
        default_used=True,
        regression=kw.get("regression", True),
        asked=kw.get("asked"),
    )


def digest_data(title: str) -> DigestData:
    c = card(title)
    return DigestData(
        title="Manual work digest · week to Mon 23 Nov",
        period_start=NOW,
        top=[c, card(title, ref="P8", owner_id=None)],
        top_total=2,
        new=[
            New("P7", title, "U_BEN", 45.0),
            *(New(f"P{n}", title, "U_BEN", 5.0) for n in (8, 9, 10)),
        ],
        retired=[Retired("P7", title, "U_ANA", 45.0, GOOD_LINK)],
        retired_total=1,
        eliminated_minutes_per_week=45.0,
        reasons=[("P7", title, HOSTILE_NOTE, "U_ANA")],
        regressions=[("P7", title, 40)],
        manual_minutes_this=180.0,
        manual_minutes_before=120.0,
        question="Could this be automated? Why haven't we?",
        notes=[escape(title)],
        toil=toil_view(title),
        lone=SinglePoints(["P7", "P8"], 60, 200),
        quarters=quarters(),
        months=months(title),
    )


def toil_view(title: str, *, over: bool = True) -> ToilView:
    budget = Budget(size=2, size_set=True, week_minutes=2400, manual_minutes=3000 if over else 60)
    chosen = [Candidate("P7", title, 45.0), Candidate("P8", title, 30.0, effort_hours=10)]
    return ToilView(budget, chosen if over else [], True, "C_OPS")


def quarters() -> list[Change]:
    return [Change("Q3 2026", 60, 30, 10, 3, 2), Change("Q4 2026", 200, 60, 45, 4, 3)]


def months(unit: str) -> list[Month]:
    return [
        Month(date(2026, 10, 1), 600, 10_000, unit),
        Month(date(2026, 11, 1), 900, 12_000, unit),
    ]


def home_page(title: str) -> HomePage:
    return HomePage(
        user_id="U_ANA",
        mine=[card(title), card(title, status="automating")],
        mine_total=12,
        reports=[ReportLine("P7", title, 40, NOW)],
        top=[card(title), card(title, owner_id=None)],
        eliminated_minutes_per_week=45.0,
        retired=1,
        hourly_rate=80.0,
        currency="EUR",
        updated_at=NOW,
        notes=[escape(title)],
    )


def prompts(title: str) -> list[PromptItem]:
    c = card(title)
    return [
        PromptItem(c, "nudge"),
        PromptItem(c, "followup"),
        PromptItem(c, "nudge", "not_worth", "U_ANA", NOW, HOSTILE_NOTE),
        PromptItem(c, "nudge", "not_mine", "U_ANA", NOW, "U_BEN"),
        PromptItem(c, "who_owns", "owned", "U_BEN", NOW),
    ]


def history_lines(title: str) -> list[HistoryLine]:
    """Every kind of event; what a person typed (a reason, a note) is the hostile title."""
    return [
        HistoryLine(Event.REPORTED, "U_ANA", NOW, None),
        HistoryLine(Event.OWNED, "U_ANA", NOW, "U_BEN"),
        HistoryLine(Event.REASSIGNED, "U_BEN", NOW, title),
        HistoryLine(Event.AUTOMATING, "U_BEN", NOW, None),
        HistoryLine(Event.ACCEPTED, "U_BEN", NOW, title),
        HistoryLine(Event.RETIRED, "U_BEN", NOW, GOOD_LINK),
        HistoryLine(Event.CAME_BACK, "U_X1", NOW, None),
        HistoryLine(Event.RETIRED, "U_BEN", NOW, title),
        HistoryLine(Event.SNOOZED, "U_ANA", NOW, None),
        HistoryLine(Event.MERGED, None, NOW, "P3"),
    ]


# Each builder, called with hostile text: name -> (title -> what it built).
CASES: dict[str, Callable[[str], Any]] = {
    "celebrations.celebration": lambda t: celebrations.celebration(
        card(t), total_eliminated_hours=2.5
    ),
    "celebrations.regression_notice": lambda t: celebrations.regression_notice(
        card(t), reporter_id="U_BEN", minutes=40
    ),
    "conversation.greeting": lambda t: conversation.greeting(thanks=True),
    "conversation.did_you_mean": lambda t: conversation.did_you_mean(t, "show P1"),
    "forget.confirm": lambda t: forget.confirm("U_BEN", reports=2, processes=1),
    "forget.forgotten": lambda t: forget.forgotten("U_BEN", reports=1, processes=0),
    "forget.cancelled": lambda t: forget.cancelled("U_BEN"),
    "digest.digest": lambda t: digest.digest(digest_data(t)),
    "decisions.toil_line": lambda t: Mrkdwn("\n").join(
        [decisions.toil_line(toil_view(t, over=o)) or Mrkdwn("") for o in (True, False)]
    ),
    "decisions.toil_message": lambda t: decisions.toil_message(toil_view(t)),
    "decisions.toil_saved": lambda t: [
        decisions.toil_saved(size=3),
        decisions.toil_saved(percent_set=40),
        decisions.toil_saved(),
    ],
    "decisions.lone_line": lambda t: decisions.lone_line(SinglePoints(["P7"], 60, 200)),
    "decisions.growth_lines": lambda t: decisions.growth_lines(quarters(), months(t)),
    "decisions.volume_saved": lambda t: decisions.volume_saved(months(t)[0]),
    "decisions.volumes_message": lambda t: decisions.volumes_message(months(t)),
    "digest.question_for": lambda t: Mrkdwn(digest.question_for(NOW)),
    "digest.covers_note": lambda t: [digest.covers_note("C_OPS"), digest.covers_note(None)],
    "digest.title_for": lambda t: Mrkdwn("{}").format(digest.title_for("weekly", NOW, "UTC")),
    "digest.stopped_why": lambda t: list(digest.stopped_why("C_OPS", t, "weekly")),
    "digest.digest_stopped": lambda t: [
        digest.digest_stopped("C_OPS", reason, "daily")
        for reason in ("is_archived", "not_in_channel", t)
    ],
    "ownership.taken": lambda t: [
        ownership.taken("P7", t, changed=True, minutes_per_week=23, threshold=15),
        ownership.taken("P7", t, changed=False, minutes_per_week=11, threshold=15),
        ownership.taken("P7", t, changed=True, minutes_per_week=23, threshold=15, was="U_BEN"),
    ],
    "ownership.assigned": lambda t: [
        ownership.assigned("P7", t, to="U_BEN", changed=True),
        ownership.assigned("P7", t, to="U_BEN", changed=False),
    ],
    "ownership.merged": lambda t: ownership.merged("P9", "P7", t, moved=2, came_back=True),
    "home.eliminated_line": lambda t: home.eliminated_line(home_page(t)),
    "home.home_view": lambda t: home.home_view(home_page(t)),
    "modals.metadata": lambda t: modals.report_modal(channel_id="C_OPS"),
    # From a shortcut: the message's first line prefilled (plain text), its link shown.
    "modals.report_modal": lambda t: modals.report_modal(
        channel_id="C_OPS", what=t[:150], link_to=GOOD_LINK, who="U_ANA", pick_channel=True
    ),
    "modals.retire_modal": lambda t: modals.retire_modal(card(t)),
    "modals.not_worth_modal": lambda t: modals.not_worth_modal(card(t)),
    "modals.reassign_modal": lambda t: modals.reassign_modal(card(t)),
    "modals.notice_view": lambda t: modals.notice_view(Mrkdwn("Refused: {}").format(t)),
    "nudges.figures": lambda t: nudges.figures(card(t)),
    "nudges.answered_line": lambda t: [nudges.answered_line(i) for i in prompts(t)],
    "nudges.answer_buttons": lambda t: nudges.answer_buttons(7, followup=False, block_id="b"),
    "nudges.owner_dm": lambda t: nudges.owner_dm(prompts(t), more=3),
    "nudges.who_owns": lambda t: [nudges.who_owns(i) for i in prompts(t)],
    "nudges.handed_over": lambda t: nudges.handed_over(card(t), by="U_BEN"),
    "outbox.taken_over": lambda t: outbox.taken_over(card(t), by="U_BEN", to="U_ANA"),
    "outbox.retired_for_you": lambda t: outbox.retired_for_you(card(t), by="U_BEN"),
    "outbox.merged_for_you": lambda t: outbox.merged_for_you(
        card(t), card(t + " again", owner_id=None), by="U_BEN", to="U_ANA"
    ),
    "outbox.with_notices": lambda t: outbox.with_notices(
        [nudges.handed_over(card(t), by="U_BEN"), outbox.retired_for_you(card(t), by="U_BEN")],
        nudges.owner_dm([PromptItem(card(t), PromptKind.NUDGE)]),
    ),
    "outbox.fits": lambda t: outbox.with_notices(
        [nudges.handed_over(card(t), by="U_BEN")][
            : outbox.fits([nudges.handed_over(card(t), by="U_BEN")], None)
        ],
        None,
    ),
    "reactions.retired": lambda t: reactions.retired(card(t)),
    "reactions.already_retired": lambda t: reactions.already_retired(card(t)),
    "reactions.automating": lambda t: reactions.automating(card(t), took_ownership=True),
    "reactions.already_automating": lambda t: reactions.already_automating(card(t)),
    "reactions.snoozed": lambda t: reactions.snoozed(card(t), until=NOW),
    "reactions.counted": lambda t: [
        reactions.counted(card(t, status=s), minutes=40, duplicate=d, regression=r)
        for s, r in (("manual", False), ("came_back", True))
        for d in (False, True)
    ],
    "reports.label": lambda t: reports.label(card(t)),
    "reports.name": lambda t: reports.name(card(t)),
    "reports.cost_line": lambda t: reports.cost_line(card(t)),
    "reports.weekly": lambda t: [
        reports.weekly(card(t)),
        reports.weekly(card(t, declared_minutes_per_week=60.0)),
    ],
    "reports.break_even_line": lambda t: reports.break_even_line(card(t)),
    "reports.report_reply": lambda t: (
        [
            reports.report_reply(result(t, created=c, duplicate=d))
            for c in (False, True)
            for d in (False, True)
        ]
        + [reports.report_reply(result(t, created=True, asked=card(t, ref="P3", process_id=3)))]
    ),
    "same_process.answer_value": lambda t: [],
    "same_process.question_blocks": lambda t: (
        escape(t),
        same_process.question_blocks(result(t, created=True, asked=card(t, ref="P3"))),
    ),
    "same_process.merged_answer": lambda t: same_process.merged_answer(
        card(t), gone_ref="P9", moved=1
    ),
    "same_process.kept_answer": lambda t: same_process.kept_answer(card(t)),
    "reports.status_label": lambda t: reports.status_label(card(t)),
    "reports.peek": lambda t: reports.peek(card(t)),
    "reports.process_detail": lambda t: reports.process_detail(
        card(t), [("U_BEN", 40, NOW), ("U_X1", 5, NOW)], history_lines(t), history_total=9
    ),
    "history.history_line": lambda t: Mrkdwn("\n").join(
        history.history_line(h) for h in history_lines(t)
    ),
    "history.history_block": lambda t: history.history_block(history_lines(t), total=12),
    "reports.process_list": lambda t: reports.process_list(
        [card(t), card(t, owner_id=None)],
        title="Most costly manual processes",
        empty=Mrkdwn("Nothing yet."),
        total=9,
    ),
    "help.help_message": lambda t: help.help_message(),
    "help.help_text": lambda t: help.help_text(),
    "help.command_list": lambda t: help.command_list(),
    "reports.mine_empty": lambda t: reports.mine_empty(["P1", "P4"], 3),
    "reports.credit": lambda t: reports.credit(card(t, retired_by="U_BEN")),
    "reports.how_it_runs": lambda t: reports.how_it_runs(card(t, automation_note=t)),
    "celebrations.retired_answer": lambda t: [
        celebrations.retired_answer(card(t, automation_note=t), already=a, recorded=r)
        for a, r in ((False, False), (True, True), (True, False))
    ],
    "ownership.merge_into_retired": lambda t: ownership.merge_into_retired("P1", "P2"),
    "ownership.check_in": lambda t: ownership.check_in(11, 15),
    "reports.retired_owned": lambda t: reports.retired_owned(["P1", "P4"], 3),
    "reports.notice": lambda t: reports.notice(Mrkdwn("Done: {}").format(t)),
    "settings.settings_modal": lambda t: settings_msg.settings_modal(SETTINGS),
    "settings.saved": lambda t: settings_msg.saved(SETTINGS),
    "stats.stats_message": lambda t: stats_msg.stats_message(FIGURES),
    "effort.label": lambda t: effort.label(card(t)),
    "effort.name": lambda t: effort.name(card(t)),
    "effort.metadata": lambda t: effort.metadata(process=7, channel="C_OPS"),
    "effort.payback_line": lambda t: [
        effort.payback_line(card(t, effort_hours=h)) for h in (None, 20.0, 5000.0)
    ],
    "effort.payback_short": lambda t: [
        effort.payback_short(card(t, effort_hours=h)) for h in (None, 20.0, 5000.0)
    ],
    "effort.realised_line": lambda t: [
        effort.realised_line(card(t, effort_hours=30.0, actual_hours=h)) for h in (None, 20.0)
    ],
    "effort.steps_text": lambda t: effort.steps_text(stepped(t)),
    "effort.steps_byline": lambda t: effort.steps_byline(stepped(t)),
    "effort.steps_block": lambda t: effort.steps_block(stepped(t)),
    "effort.home_steps": lambda t: effort.home_steps(stepped(t)),
    "effort.steps_modal": lambda t: effort.steps_modal(stepped(t), channel="C_OPS"),
    "effort.effort_modal": lambda t: effort.effort_modal(card(t, effort_hours=30.0)),
    "effort.steps_saved": lambda t: effort.steps_saved(stepped(t)),
    "effort.steps_unchanged": lambda t: effort.steps_unchanged(card(t)),
    "effort.effort_saved": lambda t: [
        effort.effort_saved(card(t, effort_hours=30.0, actual_hours=h)) for h in (None, 9.0)
    ],
    "effort.steps_for_automator": lambda t: effort.steps_for_automator(stepped(t)),
    "effort.savings_field": lambda t: [
        effort.savings_field(p, r) for p, r in ((None, None), (10.0, None), (12.5, 9.0))
    ],
    "effort.time_to_eliminate_line": lambda t: effort.time_to_eliminate_line(
        [QuarterMedian("2026 Q3", 12.4, 3), QuarterMedian("2026 Q4", 1.0, 1)]
    ),
    "effort.documented_line": lambda t: [effort.documented_line(x) for x in (0.4, 1.0)],
    "effort.verified_part": lambda t: [effort.verified_part(v, 45.0) for v in (0.0, 30.0, 45.0)],
}


def stepped(title: str) -> ProcessCard:
    """A card whose steps are the hostile text, as somebody wrote them down."""
    return card(title, steps=StepsNote(f"1. {title}\n2. {title}", 2, "U_BEN", NOW))


SETTINGS = WorkspaceSettings(80.0, "EUR", 30, "09:00", "17:00", "0,1,2,3,4", "Europe/Berlin")
FIGURES = Figures(3, 1, 2, 9, 3, 600, 45.0, 120, 60, 80.0, "EUR")
# Builders that show no title: checked for markup, not for the title.
NO_TITLE = {
    "decisions.toil_saved",  # a number the parser checked
    "decisions.lone_line",  # process ids only: never who did them
    "digest.question_for",
    "digest.stopped_why",  # Slack's error code picks the words; it is never shown
    "digest.digest_stopped",
    "digest.covers_note",
    "digest.title_for",
    "modals.metadata",
    "modals.report_modal",
    "nudges.answer_buttons",
    "reports.cost_line",
    "reports.weekly",
    "reports.break_even_line",
    "reports.status_label",
    "help.help_message",
    "help.help_text",
    "help.command_list",
    "reports.mine_empty",
    "reports.credit",
    "ownership.merge_into_retired",
    "ownership.check_in",
    "reports.retired_owned",
    "settings.settings_modal",
    "settings.saved",
    "stats.stats_message",
    "nudges.figures",
    "home.eliminated_line",
    "nudges.answered_line",
    "conversation.greeting",
    "forget.confirm",
    "forget.forgotten",
    "forget.cancelled",
    "effort.metadata",
    "effort.payback_short",
    "effort.realised_line",
    "effort.steps_byline",
    "effort.verified_part",
    "effort.payback_line",
    "effort.savings_field",
    "effort.time_to_eliminate_line",
    "effort.documented_line",
}


def _payloads(built: Any) -> list[Any]:
    """What a builder returned, as the payloads Slack would get: a (text, blocks) pair is
    a message body; a view, a block or a Mrkdwn line stands for itself."""
    items = built if isinstance(built, list) else [built]
    out: list[Any] = []
    for item in items:
        if isinstance(item, tuple):
            out.append({"text": item[0], "blocks": item[1]})
        elif isinstance(item, str):
            out.append({"text": item})
        else:
            out.append(item)
    return out


@pytest.mark.parametrize("title", TITLES, ids=range(len(TITLES)))
@pytest.mark.parametrize("name", sorted(CASES))
def test_no_markup_from_user_text_survives(name: str, title: str) -> None:
    for payload in _payloads(CASES[name](title)):
        problems = markup_problems(payload, users=USERS, channels=CHANNELS, links=[GOOD_LINK])
        assert not problems, (name, title, problems)
        if name not in NO_TITLE:
            seen = "\n".join(visible(t) for t in mrkdwn_texts(payload))
            assert title in seen or title[:40] in seen, (name, title, seen[:500])


def test_the_link_shows_where_it_goes() -> None:
    _, blocks = celebrations.celebration(card("Payouts"), total_eliminated_hours=1)
    body = blocks[0]["text"]["text"]
    assert (
        "<https://github.com/acme/ops/pull/42?tab=files&amp;view=split|"
        "github.com/acme/ops/pull/42?tab=files&amp;view=split>" in body
    )


def _public_builders() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(bot.messages.__path__):
        # Block Kit helpers, plain data, and metadata for other apps (no text: test_metadata)
        if info.name in ("blocks", "cards", "metadata"):
            continue
        module = importlib.import_module(f"bot.messages.{info.name}")
        for attr, value in vars(module).items():
            if (
                inspect.isfunction(value)
                and not attr.startswith("_")
                and value.__module__ == module.__name__
            ):
                names.add(f"{info.name}.{attr}")
    return names


def test_every_builder_is_in_the_corpus_test() -> None:
    assert _public_builders() == set(CASES), (
        "a message builder is missing from CASES (or CASES names one that's gone)"
    )


def test_a_refusal_that_names_angle_brackets_shows_them() -> None:
    """A template's own `<` and `>` are escaped too: raw, Slack reads them as markup and
    shows nothing (the retire form's link rule once read "no spaces, ``, ``")."""
    with pytest.raises(UserError) as refused:
        check_link("https://x.io/<!channel>")
    assert "`<`, `>` or `|`" in mrkdwn_to_text(str(refused.value.text))
