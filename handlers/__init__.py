"""Slack listeners, one module per kind; `register(app)` wires them all."""

from slack_bolt import App


def register(app: App) -> None:
    from handlers import actions, commands, events, prompts, reactions, views

    for module in (commands, events, actions, views, reactions, prompts):
        module.register(app)
