"""The people's side of Slack: builds the requests Slack sends to an app, signs them as
Slack does, and POSTs them to the app's events URL over real HTTP.

Works with :class:`~bot.standin.fakeslack.FakeSlack`, which holds the workspace (users,
channels, messages, views) and receives the app's Web API calls.

Example::

    sim = SlackSimulator(fake, "http://127.0.0.1:3000/slack/events", "secret")
    reply = sim.slash("U1", "C1", "Reconcile payouts 45m")
    sim.click("U1", reply.message, index=1)      # first button of the ephemeral answer
    sim.submit("U1", fake.open_modals("T0001", "U1")[-1], {"title": "Reconcile"})

Where things are. ``SlackSimulator`` is one class made of one mixin per kind of request:

- ``sender.py``: signing and POSTing (``post_raw``), the ``Reply``, ``slack_signature``,
  and the team, user and channel objects every payload carries.
- ``commands.py``: ``slash``.
- ``events.py``: ``event`` (the envelope, retries), ``mention``, ``message``, ``react``,
  ``open_home``, ``url_verification``.
- ``interactivity.py``: ``buttons``, ``click``, ``submit``, ``close``.
- ``shortcuts.py``: ``message_shortcut``, ``global_shortcut``.
- ``steps.py``: ``run_step`` (Workflow Builder runs a step: ``function_executed``).
- ``elements.py``: Block Kit element kinds, chosen options, a modal's ``state.values``.
"""

from bot.standin.simulator.commands import Commands
from bot.standin.simulator.events import Events
from bot.standin.simulator.interactivity import Interactivity
from bot.standin.simulator.sender import Reply, slack_signature
from bot.standin.simulator.shortcuts import Shortcuts
from bot.standin.simulator.steps import Steps

__all__ = ["Reply", "SlackSimulator", "slack_signature"]


class SlackSimulator(Commands, Events, Interactivity, Shortcuts, Steps):
    """Sends what Slack would send to the app at ``app_url`` on behalf of people."""
