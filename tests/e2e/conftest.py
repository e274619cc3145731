"""Fixtures for the end-to-end tests that drive the console stand-in."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.console.session import Playground
from bot.console.view import Printer
from tests.conftest import START


@pytest.fixture
def console(tmp_path: Path) -> Iterator[tuple[Playground, io.StringIO]]:
    """A fresh console session on a file database (tests/e2e/test_console.py has its
    own, in memory), and what it prints."""
    out = io.StringIO()
    url = f"sqlite:///{tmp_path / 'coach.db'}"
    session = Playground(Settings(database_url=url), Printer(out), start=START)
    session.start()
    try:
        yield session, out
    finally:
        session.close()
