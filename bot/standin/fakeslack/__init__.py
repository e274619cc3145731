"""A fake Slack Web API served over real HTTP on 127.0.0.1, for tests and the console.

It answers the Web API methods the bot uses with Slack's documented shapes, records every
call, keeps the messages, views and files the app produced, serves ``response_url`` and
file-upload URLs, and can be told to fail (429 with Retry-After, 500, 503, a dropped
connection) or to enforce rate limits. Standard library only.

Example::

    with FakeSlack() as fake:
        fake.add_team()  # T0001 "Acme", token xoxb-T0001, bot user UBOT1
        fake.add_user("T0001", "U1", "ana")
        fake.add_channel("T0001", "C1", "general")
        WebClient(token="xoxb-T0001", base_url=fake.api_url).chat_postMessage(
            channel="C1", text="hi"
        )
        assert fake.messages_in("C1")[-1].text == "hi"

Where things are. ``FakeSlack`` (server.py) is one class made of one mixin per family;
each mixin is a module:

- ``server.py``: ``FakeSlack``: start/stop, which path goes where, one Web API call from
  token to answer, and the table of Web API methods and the module that answers each.
- ``records.py``: what the fake holds and records (``Team``, ``User``, ``Channel``,
  ``Call``, ``Message``, ``View``, ``UploadedFile``, ``Event``).
- ``state.py``: that state behind one lock, events to subscribers, storing a message, and
  the queries tests use (``messages_in``, ``last_message``, ``wait_for``...).
- ``workspace.py``: setting up teams, orgs, members and channels (``add_team``...).
- ``auth.py``: auth.test, team.info, oauth.v2.access, apps.connections.open (Socket
  Mode's URL); which workspace a token acts in.
- ``users.py``: users.info. ``conversations.py``: conversations.*, finding a channel.
- ``chat.py``: chat.*. ``views.py``: views.*, trigger ids, modal stacks.
- ``functions.py``: functions.completeSuccess / completeError, the runs of workflow
  steps and their ``xwfp-`` tokens (``start_execution``).
- ``files.py``: files.* and the upload URL. ``responses.py``: response URLs.
- ``people.py``: a person's posts and reactions (for the simulator).
- ``faults.py``: ``fail``, ``delay``, ``drop``, ``set_rate_limits``; recording each call.
- ``blocks.py``: Block Kit checks. ``transport.py``: HTTP parsing, server, replies.
- ``common.py``: ``SlackError``, ids, reading JSON-valued and boolean arguments.
"""

from bot.standin.fakeslack.common import JSONDict, SlackError
from bot.standin.fakeslack.records import (
    Call,
    Channel,
    Event,
    Message,
    Org,
    Team,
    UploadedFile,
    User,
    View,
)
from bot.standin.fakeslack.responses import RESPONSE_URL_MAX_USES
from bot.standin.fakeslack.server import FakeSlack
from bot.standin.fakeslack.views import MODAL_STACK_LIMIT

__all__ = [
    "MODAL_STACK_LIMIT",
    "RESPONSE_URL_MAX_USES",
    "Call",
    "Channel",
    "Event",
    "FakeSlack",
    "JSONDict",
    "Message",
    "Org",
    "SlackError",
    "Team",
    "UploadedFile",
    "User",
    "View",
]
