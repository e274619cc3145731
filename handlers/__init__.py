"""Slack listeners, one module per feature; `register(app)` wires them all.

Each Slack surface leads in one hop to the module that owns it (README, "How it is
built"): `/manual-task` to commands.py (its table names the feature of each subcommand),
a button or form to the feature whose ids it carries, an event to its module."""

import re

from slack_bolt import App

from handlers import (
    commands,
    effort,
    forget,
    home,
    lifecycle,
    mentions,
    ownership,
    prompts,
    reactions,
    reporting,
    retirement,
    settings,
    shortcuts,
    steps,
)
from handlers.context import error_response

FEATURES = (
    commands,
    reporting,
    shortcuts,
    steps,
    mentions,
    ownership,
    retirement,
    prompts,
    effort,
    reactions,
    home,
    settings,
    forget,
    lifecycle,
)


def register(app: App) -> None:
    for feature in FEATURES:
        feature.register(app)
    app.event(re.compile(".*"))(_ignore)  # acknowledge the rest, or Slack retries them
    app.error(error_response)


def _ignore() -> None:
    """Events we don't act on still get their 200."""
