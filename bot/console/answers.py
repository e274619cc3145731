"""What every console action shares: how it asks for input, and how it waits for the app
and says what Slack would show when the app's answer failed."""

from __future__ import annotations

from collections.abc import Callable

from bot.console.session import Playground

Ask = Callable[[str], str]


def check(session: Playground, status: int, what: str) -> None:
    """Wait for the app to finish, then say what Slack would show for a failed answer."""
    session.settle()
    if status == 200:
        return
    if what == "/manual-task":
        session.printer.warn(
            f'Slack would show @{session.user.name}: "/manual-task failed with the error '
            f'dispatch_failed" (the app answered HTTP {status})'
        )
    else:
        session.printer.warn(f"the app answered HTTP {status} to {what}; Slack would retry it")
