"""Pure pieces behind App Home, stats and config: Slack's limits and input checking."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.cards import ProcessCard
from bot.domain.settings import parse_settings
from bot.messages.home import HomePage, ReportLine, home_view
from bot.messages.stats import Figures, stats_message

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
GOOD = {
    "hourly_rate": "1,250.50",
    "currency": "chf",
    "nudge_threshold": "0",
    "work_start": "7:05",
    "work_end": "23:59",
    "work_days": "6,0",
    "timezone": "Asia/Tokyo",
}


def _card(i: int) -> ProcessCard:
    return ProcessCard(i, f"P{i}", "x" * 300, "manual", "U1", "U1", None, 3, 120 + i)


def test_good_settings_are_normalised() -> None:
    got, errors = parse_settings(GOOD)
    assert errors == {} and got is not None
    assert (got.hourly_rate, got.currency, got.work_start, got.work_days) == (
        1250.5,
        "CHF",
        "07:05",
        "0,6",
    )
    cleared, _ = parse_settings({**GOOD, "hourly_rate": ""})
    assert cleared is not None and cleared.hourly_rate is None


def test_every_bad_field_is_named() -> None:
    bad = {
        "hourly_rate": "nan",
        "currency": "€",
        "nudge_threshold": "1.5",
        "work_start": "9",
        "work_end": "24:00",
        "work_days": "7",
        "timezone": "../../etc/passwd",
    }
    got, errors = parse_settings(bad)
    assert got is None and set(errors) == set(bad)
    for tz in ("", "Not/AZone", "/usr/share/zoneinfo/UTC"):
        assert "timezone" in parse_settings({**GOOD, "timezone": tz})[1]


def test_home_never_passes_100_blocks_and_has_unique_block_ids() -> None:
    cards = [_card(i) for i in range(200)]
    page = HomePage(
        user_id="U1",
        mine=cards,
        mine_total=200,
        reports=[ReportLine("P1", "x", 45, NOW)] * 5,
        top=cards[:5],
        eliminated_minutes_per_week=90,
        retired=2,
        hourly_rate=50,
        updated_at=NOW,
    )
    view = home_view(page, max_mine=200)
    ids = [b["block_id"] for b in view["blocks"] if "block_id" in b]
    assert len(view["blocks"]) <= 100 and len(ids) == len(set(ids))
    first = home_view(page)["blocks"][1]["text"]["text"]
    assert "1h 30m a week* eliminated for good, 78h a year ($3,900 a year)" in first


def test_stats_without_reports_says_how_to_start() -> None:
    text, _ = stats_message(Figures(0, 0, 0, 0, 0, 0, 0.0, 0, 0))
    assert "Nothing reported yet" in text
