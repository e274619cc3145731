"""Slack listeners, one module per kind; `register(app)` wires them all."""

from slack_bolt import App


def register(app: App) -> None:
    from handlers import (
        actions,
        commands,
        events,
        home,
        lifecycle,
        prompts,
        reactions,
        settings,
        views,
    )

    modules = (commands, events, actions, views, reactions, prompts, home, settings, lifecycle)
    for module in modules:
        module.register(app)
