"""`escape` isolates text that could reorder the line around it, and skips the check for
ASCII text (bot/mrkdwn.py `_needs_isolating`): that shortcut must never change an answer."""

from __future__ import annotations

import unicodedata

from bot.mrkdwn import _BIDI_CONTROLS, FSI, PDI, _needs_isolating, escape


def test_no_ascii_character_is_right_to_left_or_a_direction_control() -> None:
    for ch in map(chr, range(128)):
        assert ch not in _BIDI_CONTROLS
        assert unicodedata.bidirectional(ch) not in ("R", "AL")


def test_text_that_may_reorder_the_line_is_isolated_ascii_or_not() -> None:
    assert escape("Reconcile Stripe payouts") == "Reconcile Stripe payouts"
    assert not _needs_isolating("<!channel> & co")
    for text in ("שלום", "Pay \u202eevil", "مرحبا world", "abc\u2066def"):
        assert escape(text).startswith(FSI) and escape(text).endswith(PDI), text
