"""The slack-bolt app: which listener answers what. Each one acks at once (Slack wants an
answer within 3 s) and leaves the slow part to a lazy listener on its own thread
(``process_before_response=True``, so nothing runs after the HTTP response is gone)."""

from __future__ import annotations

import json
import logging
import re

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from pipeline.apps.jobs import JobRunner
from pipeline.apps.slack import work
from pipeline.apps.slack.blocks import HELP, REASON_VIEW, VERDICT_OF_ACTION, reason_modal
from pipeline.apps.slack.config import SlackTokens
from pipeline.apps.slack.work import Reply, errors_to
from pipeline.settings import Settings
from pipeline.apps.storage import open_article_store
from store.slack_events import SlackEventStore

log = logging.getLogger("newsbrief.slack")
RATE_LIMIT_RETRIES = 3  # Web API 429s: slack_sdk waits the Retry-After they give, then tries again
WORKING = "Working on it… the brief will appear in this channel."


def web_client(bot_token: str, config: Settings) -> WebClient:
    client = WebClient(token=bot_token, base_url=config.slack.api_url)
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES))
    return client


def build_app(tokens: SlackTokens, config: Settings, runner: JobRunner) -> App:
    """The app, its listeners bound to this job runner and configuration."""
    app = App(client=web_client(tokens.bot_token, config), signing_secret=tokens.signing_secret,
              process_before_response=True, token_verification_enabled=False)
    app.use(_once_per_event(config))
    _register(app, _Door(config, runner))
    return app


def _once_per_event(config: Settings):
    """Middleware: an event whose id was seen before (a retry) is acknowledged and dropped."""
    def once(body: dict, next) -> BoltResponse | None:  # noqa: A002 - bolt passes it by this name
        event_id = body.get("event_id")
        if event_id:
            with open_article_store(config) as store:
                if not SlackEventStore(store.db).first_time(event_id):
                    log.info("slack retry dropped", extra={"event_id": event_id})
                    return BoltResponse(status=200, body="")
        return next()
    return once


def _register(app: App, door: _Door) -> None:
    app.command("/brief")(ack=door.ack_brief, lazy=[door.brief_command])
    app.event("app_mention")(ack=_ack, lazy=[door.brief_mention])
    app.shortcut("check_claim")(ack=_ack, lazy=[door.check_shortcut])
    app.action(re.compile(r"^mark_(confirmed|wrong)$"))(door.open_reason)
    app.view(REASON_VIEW)(ack=_ack, lazy=[door.save_override])


def _ack(ack) -> None:
    ack()


class _Door:
    """The listeners; bolt hands each the arguments it names (body, client, ack, command...)."""

    def __init__(self, config: Settings, runner: JobRunner):
        self.config, self.runner = config, runner

    def ack_brief(self, ack, command: dict) -> None:
        text = command.get("text", "").strip()
        ack(HELP if text.lower() in ("", "help") else WORKING)

    def brief_command(self, command: dict, client) -> None:
        text = command.get("text", "").strip()
        if text.lower() in ("", "help"):
            return  # the ack said it all
        reply = Reply(command["channel_id"], command["user_id"])
        with errors_to(client, reply):
            brief, brief_id = work.run_brief(work.brief_request(text, self.config), who(command["user_id"]),
                                             self.runner, self.config)
            work.post_brief(client, reply, brief, brief_id)

    def brief_mention(self, event: dict, client) -> None:
        reply = Reply(event["channel"], event.get("user"), event.get("thread_ts") or event["ts"])
        with errors_to(client, reply):
            links = work.links_in(event.get("text", ""))
            if not links:
                raise work.DoorError("mention me with links to brief them; `/brief help` says more")
            request = work.brief_request("\n".join(links), self.config)
            brief, brief_id = work.run_brief(request, who(event.get("user")), self.runner, self.config)
            work.post_brief(client, reply, brief, brief_id)

    def check_shortcut(self, body: dict, client) -> None:
        message = body.get("message", {})
        reply = Reply(body["channel"]["id"], body["user"]["id"], message.get("thread_ts") or message.get("ts"))
        with errors_to(client, reply):
            blocks = work.check_claim(message.get("text", ""), self.config)
            client.chat_postMessage(channel=reply.channel, thread_ts=reply.thread_ts, blocks=blocks,
                                    text="Checked against the stored stories")

    def open_reason(self, ack, body: dict, action: dict, client) -> None:
        """views.open needs the click's trigger_id within 3 s: it is done before the ack."""
        ack()
        value = json.loads(action["value"])
        channel = body["container"].get("channel_id") or body["channel"]["id"]
        reply = Reply(channel, body["user"]["id"], body["container"].get("message_ts"))
        with errors_to(client, reply):
            verdict = VERDICT_OF_ACTION[action["action_id"]]
            metadata = {**value, "verdict": verdict, "channel": channel, "ts": body["container"]["message_ts"]}
            text = work.claim_text(self.config, value["brief"], value["claim"])
            client.views_open(trigger_id=body["trigger_id"], view=reason_modal(metadata, verdict, text))

    def save_override(self, body: dict, view: dict, client) -> None:
        metadata = json.loads(view["private_metadata"])
        reason = view["state"]["values"]["reason"]["reason"]["value"] or ""
        with errors_to(client, Reply(metadata["channel"], body["user"]["id"], metadata["ts"])):
            work.record_and_update(client, metadata, reason, who(body["user"]["id"]), self.config)


def who(user_id: str | None) -> str:
    """The audit trail's name for a Slack user: their stable id, not a display name that changes."""
    return f"slack:{user_id or 'unknown'}"
