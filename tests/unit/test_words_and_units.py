"""Words and units, as a class: one plural helper (bot/domain/plurals.py) and one duration
format (bot/domain/durations.py) everywhere. Two checks: the source of every message
builder holds no hand-made plural or unit string, and the builders themselves, fed ones,
say "1 report" and "1h 30m", never "1 reports" or "0.9 h"."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.domain.cards import ProcessCard
from bot.domain.costs import trend_icon
from bot.domain.plurals import EXAMPLE_REF, count, example_ref, noun, times
from bot.domain.rules import require_manage
from bot.errors import NotAllowed
from bot.messages import (
    celebrations,
    forget,
    help,
    home,
    nudges,
    ownership,
    reactions,
    reports,
    stats,
)
from bot.messages.digest import _bounded
from bot.mrkdwn import Mrkdwn
from tests.unit.test_hostile_builders import CASES

ROOT = Path(__file__).resolve().parents[2]
# Where people's words are made: every builder, service and listener.
SOURCES = [
    *sorted((ROOT / "bot" / "messages").glob("*.py")),
    *sorted((ROOT / "bot" / "services").glob("*.py")),
    *sorted((ROOT / "handlers").glob("*.py")),
    *sorted((ROOT / "bot" / "domain").glob("*.py")),
    ROOT / "bot" / "forgetting.py",
]
NOUNS = r"(?:reports|processes|times|people|persons|regressions|reasons|owners|hours|minutes)"
# A placeholder right before a plural noun is a plural made by hand: "{} reports".
HAND_PLURAL = re.compile(r"\{[^{}]*\} " + NOUNS + r"\b")
# Hours written in a unit of their own ("{} h", "0.9 h"): the duration format is "1h 30m".
HAND_UNIT = re.compile(r"(?:\{[^{}]*\}|\d) h\b|\{[^{}]*\} (?:minutes|mins)\b")
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
WRONG = re.compile(
    r"\b1 (?:reports|processes|times|people|regressions|reasons)\b|\d h\b|\d\.\d h\b"
)


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant in a module, docstrings left out (they may quote the old)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docs = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_builder_makes_its_own_plurals_or_units(path: Path) -> None:
    if path.name in ("plurals.py", "durations.py", "words.py"):
        return  # the helpers themselves, and the matcher's word lists
    bad = [
        f"{path.name}:{line}: {text!r}"
        for line, text in _strings(path)
        if HAND_PLURAL.search(text) or HAND_UNIT.search(text)
    ]
    assert not bad, "use bot.domain.plurals.count / durations.format_minutes:\n" + "\n".join(bad)


def test_the_plural_helper() -> None:
    assert [count(n, "report") for n in (0, 1, 2, 1200)] == [
        "0 reports",
        "1 report",
        "2 reports",
        "1,200 reports",
    ]
    assert (count(1, "process"), count(3, "process")) == ("1 process", "3 processes")
    assert (count(1, "person", "people"), count(2, "person", "people")) == (
        "1 person",
        "2 people",
    )
    assert (noun(2, "regression"), noun(2, "reply"), noun(2, "day")) == (
        "regressions",
        "replies",
        "days",
    )
    assert (times(1), times(2)) == ("once", "2 times")


def test_example_ids_are_real_or_cannot_be() -> None:
    from bot.domain.arguments import parse_ref

    assert parse_ref(EXAMPLE_REF) is None  # a placeholder, never somebody's process
    assert example_ref(["P3", "P9"]) == "P3"
    assert example_ref([]) == EXAMPLE_REF


def _card(**kw: object) -> ProcessCard:
    base: dict[str, object] = {
        "process_id": 1,
        "ref": "P1",
        "title": "Reconcile payouts",
        "status": "manual",
        "owner_id": "U1",
        "reporter_id": "U1",
        "channel_id": "C1",
        "count": 1,
        "minutes": 90,
    }
    base.update(kw)
    return ProcessCard(**base)  # type: ignore[arg-type]


def _all_text(message: object) -> str:
    return repr(message)


def test_builders_say_one_in_the_singular_and_durations_one_way() -> None:
    """Every builder that counts or times something, fed ones (1 report, 1 process, 1
    person, 55m eliminated), in one sweep."""
    one = _card()
    retired = _card(status="retired", eliminated_minutes_per_week=55, retired_by="U1")
    said = [
        nudges.who_owns(nudges.PromptItem(one, nudges.PromptKind.WHO_OWNS)),
        nudges.owner_dm([nudges.PromptItem(one, nudges.PromptKind.NUDGE)], more=1),
        reactions.retired(retired),
        celebrations.celebration(retired, total_eliminated_hours=55 / 60),
        ownership.merged("P2", "P1", "x", moved=1),
        forget.confirm("U2", reports=1, processes=1),
        forget.forgotten("U2", reports=1, processes=1),
        stats.stats_message(
            stats.Figures(
                reported=1,
                retired=1,
                active=0,
                occurrences=1,
                reporters=1,
                manual_minutes_in_window=90,
                eliminated_minutes_per_week=55,
                this_week_minutes=90,
                last_week_minutes=30,
            )
        ),
        home.eliminated_line(
            home.HomePage("U1", [], 0, [], [], eliminated_minutes_per_week=55, retired=1)
        ),
        reports.process_list([one], title="Top", empty=Mrkdwn("none"), total=2),
        reports.process_detail(retired, [("U1", 90, NOW)]),
        _bounded([Mrkdwn("• a")], 2, "process"),
    ]
    text = "\n".join(_all_text(m) for m in said)
    assert not WRONG.findall(text), WRONG.findall(text)
    assert "0.9 h" not in text and "55m a week" in text
    assert "1 report " in text or "1 report:" in text or "1 report moved" in text
    assert "1 process retired" in text
    assert "…and 1 more process_" in text
    assert "by 1 person" in text


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_builder_writes_durations_one_way(name: str) -> None:
    """The corpus of every public builder (tests/unit/test_hostile_builders.py), with a
    plain title: no duration in a unit of its own, no "1 reports"."""
    said = repr(CASES[name]("Reconcile payouts"))
    assert not WRONG.findall(said), (name, WRONG.findall(said))


def test_hints_name_a_process_that_was_shown() -> None:
    cards = [_card(ref="P3", owner_id=None), _card(process_id=2, ref="P12")]
    _, blocks = reports.process_list(cards, title="Top", empty=Mrkdwn("none"))
    hint = repr(blocks[-1])
    assert "show P3" in hint and "own P3" in hint and "P7" not in hint
    _, blocks = reports.process_list(cards, title="Top", empty=Mrkdwn("none"), total=9)
    assert "`show P3` for one" in repr(blocks[-1])
    assert "P7" not in help.help_text() and "P9" not in help.help_text()


def test_a_refusal_reads_as_english() -> None:
    from bot.domain.people import Actor, Person

    actor = Actor(team_id="T1", user_id="U9", now=NOW, person=Person("U9"))
    with pytest.raises(NotAllowed) as err:
        require_manage(actor, _card(owner_id="U1"), what="take it over")
    assert str(err.value.text).endswith("can take it over.")


@pytest.mark.parametrize(
    ("before", "after", "icon"),
    [
        (60, 120, ":chart_with_upwards_trend:"),
        (0, 30, ":chart_with_upwards_trend:"),
        (120, 60, ":chart_with_downwards_trend:"),
        (60, 60, ":heavy_minus_sign:"),
    ],
)
def test_the_trend_emoji_matches_the_sign(before: float, after: float, icon: str) -> None:
    assert trend_icon(before, after) == icon


def test_show_of_a_merged_id_says_so() -> None:
    text, blocks = reports.process_detail(_card(ref="P8"), [], merged_from="P10")
    assert text.startswith("P10 was merged into P8")
    assert "P10 was merged into P8" in repr(blocks[0])


def test_mine_names_the_retired_processes_someone_owns() -> None:
    assert "You don't own any process yet" in reports.mine_empty([], 0)
    said = reports.mine_empty(["P1", "P4"], 2)
    assert "all retired (P1, P4)" in said and "don't own" not in said
    also = reports.retired_owned(["P1"], 1)
    assert also == "You own 1 retired process too: P1."
    assert reports.retired_owned([], 0) is None
