"""The Slack door's secrets, from the environment only; a missing one says how to fix it."""

from __future__ import annotations

import os
from dataclasses import dataclass

from pipeline.errors import NewsbriefError

WHERE = {
    "SLACK_BOT_TOKEN": "the Bot User OAuth Token (xoxb-...) from your Slack app's OAuth & Permissions page",
    "SLACK_SIGNING_SECRET": "the Signing Secret from your Slack app's Basic Information page",
    "SLACK_APP_TOKEN": "an app-level token (xapp-...) with connections:write, from Basic Information > App-Level Tokens",
}


class MissingSlackSetting(NewsbriefError):
    """A Slack secret the door needs is not in the environment."""


@dataclass(frozen=True)
class SlackTokens:
    bot_token: str
    signing_secret: str
    app_token: str | None = None


def slack_tokens(socket_mode: bool = False) -> SlackTokens:
    """The tokens, or MissingSlackSetting naming the first one missing and where to get it."""
    return SlackTokens(required("SLACK_BOT_TOKEN"), required("SLACK_SIGNING_SECRET"),
                       required("SLACK_APP_TOKEN") if socket_mode else os.environ.get("SLACK_APP_TOKEN"))


def required(name: str) -> str:
    if not os.environ.get(name):
        raise MissingSlackSetting(f"{name} is not set: export {name}=... with {WHERE[name]} "
                                  "(see the README's Slack section)")
    return os.environ[name]
