"""The token cipher and COACH_ENCRYPTION_KEY: sealed values say so (`fernet:`), sealing
and opening twice is harmless, the first of several keys seals and any opens, a wrong or
malformed key is a clear error that shows neither key nor token, and the key itself is
never shown (Settings' repr, the logs)."""

from __future__ import annotations

import base64
import logging

import pytest

from bot.config import ConfigError, settings_from
from bot.logs import Redactor
from bot.oauth import warn_if_tokens_in_plain_text
from storage.token_cipher import TokenCipher, TokenKeyError, is_sealed

# Fixed keys: pytest-xdist workers must collect the same test ids.
OLD = base64.urlsafe_b64encode(b"the old key of the tests: 32 byt").decode()
NEW = base64.urlsafe_b64encode(b"the new key of the tests: 32 byt").decode()
TOKEN = "xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"


def cipher(keys: str) -> TokenCipher:
    made = TokenCipher.from_keys(keys)
    assert made is not None
    return made


def test_sealing_is_recognisable_and_idempotent() -> None:
    old = cipher(OLD)
    sealed = old.seal(TOKEN)
    assert sealed and is_sealed(sealed) and TOKEN not in sealed
    assert old.seal(sealed) == sealed  # sealed once, whatever runs twice
    assert old.open(sealed) == TOKEN and old.open(TOKEN) == TOKEN  # a plain row reads as is
    assert old.seal(None) is None and old.open(None) is None and old.seal("") == ""
    assert old.seal(TOKEN) != sealed  # a fresh IV each time: equal tokens don't show


def test_the_first_key_seals_and_any_opens() -> None:
    sealed_old = cipher(OLD).seal(TOKEN)
    both = cipher(f" {NEW} , {OLD} ")
    assert both.open(sealed_old) == TOKEN
    rotated = both.rotate(sealed_old)
    assert cipher(NEW).open(rotated) == TOKEN
    with pytest.raises(TokenKeyError) as wrong:
        cipher(OLD).open(rotated)
    assert OLD not in str(wrong.value) and TOKEN not in str(wrong.value)
    assert "can't be decrypted with COACH_ENCRYPTION_KEY" in str(wrong.value)
    assert is_sealed(both.rotate(TOKEN))  # rotating a plain token seals it


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("not-a-key", "COACH_ENCRYPTION_KEY: its key is not a Fernet key"),
        (f"{OLD},short", "COACH_ENCRYPTION_KEY: key 2 of 2 is not a Fernet key"),
        (",", "COACH_ENCRYPTION_KEY holds no key"),
    ],
)
def test_a_malformed_key_is_a_config_error_that_shows_no_key(raw: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        settings_from({"COACH_ENCRYPTION_KEY": raw})
    assert str(err.value).startswith(says) and "`coach keys new`" in str(err.value)
    assert "short" not in str(err.value) and OLD not in str(err.value)


def test_the_key_is_never_shown() -> None:
    settings = settings_from({"COACH_ENCRYPTION_KEY": f"{NEW},{OLD}"})
    assert settings.encryption_key == f"{NEW},{OLD}"
    shown = repr(settings) + str(settings)
    assert "encryption_key='***'" in shown and NEW not in shown and OLD not in shown
    assert {NEW, OLD} <= set(settings.secret_values())
    said = Redactor(settings.secret_values()).redact(f"keys {NEW} and {OLD}")
    assert said == "keys [redacted] and [redacted]"
    assert settings_from({}).encryption_key is None and settings_from({}).token_cipher() is None


def test_oauth_start_up_without_a_key_warns(caplog: pytest.LogCaptureFixture) -> None:
    oauth = {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"}
    with caplog.at_level(logging.WARNING):
        warn_if_tokens_in_plain_text(settings_from(oauth))
        warn_if_tokens_in_plain_text(settings_from({**oauth, "COACH_ENCRYPTION_KEY": OLD}))
        warn_if_tokens_in_plain_text(settings_from({}))  # one bot token: no store to seal
    assert [r.getMessage()[:40] for r in caplog.records] == [
        "COACH_ENCRYPTION_KEY is not set: the wor"
    ]
