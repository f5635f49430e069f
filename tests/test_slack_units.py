"""The Slack door's parts in-process: parsing /brief, a brief too long for one message going into
its thread, Socket Mode's wiring with a fake socket client, and the fix-it message of a missing
token. Slack's Web API is the fake on loopback (tests/slack_fake.py); the rest is real."""

from __future__ import annotations

import time

import pytest
from slack_sdk.socket_mode.request import SocketModeRequest

from slack_fake import start_fake_slack
from test_brief import brief_model


@pytest.fixture
def fake_slack():
    fake, server = start_fake_slack()
    yield fake
    server.shutdown()


@pytest.fixture
def slack_env(monkeypatch, fake_slack):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-test")
    monkeypatch.setenv("NEWSBRIEF_SLACK__API_URL", fake_slack.base)


def test_brief_text_is_links_pasted_articles_or_a_story():
    from pipeline.apps.jobs import TextSource, UrlSource
    from pipeline.apps.slack.work import sources_of

    sources = sources_of("<https://a.example/1|one> https://b.example/2\n---\noutlet: Wire Co\nHeadline\nBody text."
                         "\n---\nJust a pasted paragraph, with https://c.example/3 in it.")
    assert sources[:2] == [UrlSource(url="https://a.example/1"), UrlSource(url="https://b.example/2")]
    assert sources[2] == TextSource(text="Headline\nBody text.", outlet="Wire Co")
    assert sources[3].text.startswith("Just a pasted paragraph")  # a link inside prose keeps it prose


def test_a_missing_token_names_itself_and_says_where_to_get_it(monkeypatch):
    from pipeline.apps.slack.config import MissingSlackSetting, slack_tokens

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.delenv("SLACK_SIGNING_SECRET", raising=False)
    with pytest.raises(MissingSlackSetting, match="SLACK_SIGNING_SECRET is not set: export SLACK_SIGNING_SECRET=.*Signing Secret"):
        slack_tokens()
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    assert slack_tokens().bot_token == "xoxb-test"
    with pytest.raises(MissingSlackSetting, match="SLACK_APP_TOKEN"):
        slack_tokens(socket_mode=True)


def test_a_brief_too_long_for_one_message_goes_on_in_its_thread(tmp_path, slack_env, fake_slack):
    from pipeline.apps.slack.app import web_client
    from pipeline.apps.slack.config import slack_tokens
    from pipeline.apps.slack.work import Reply, post_brief
    from pipeline.settings import Settings

    brief = brief_model(tmp_path)
    brief.points = brief.points * 20  # 2 blocks a point: far over 50 blocks
    fake_slack.rate_limited["chat.postMessage"] = [0, 1]  # the first post is refused twice, then goes
    started = time.monotonic()
    first_ts = post_brief(web_client(slack_tokens().bot_token, Settings()), Reply("C9"), brief, brief_id=1)
    posts = fake_slack.of("chat.postMessage")
    assert len(posts) >= 3 and posts[0].ts == first_ts and posts[0].at - started >= 1  # Retry-After waited out
    assert posts[0].args.get("thread_ts") is None and all(p.args["thread_ts"] == first_ts for p in posts[1:])
    assert all(len(p.args["blocks"]) <= 50 for p in posts)
    assert sum(b["type"] == "actions" for p in posts for b in p.args["blocks"]) == len(brief.points)


class FakeSocketClient:
    """What bolt's SocketModeHandler needs of its WebSocket client: listeners, and a place to send
    each envelope's acknowledgement."""

    def __init__(self):
        import logging

        self.logger = logging.getLogger("fake-socket")
        self.socket_mode_request_listeners = []
        self.responses = []

    def deliver(self, request: SocketModeRequest) -> None:
        for listener in self.socket_mode_request_listeners:
            listener(self, request)

    def send_socket_mode_response(self, response) -> None:
        self.responses.append(response)


def test_socket_mode_routes_slash_commands_and_events_to_the_same_listeners(slack_env, fake_slack):
    from pipeline.apps.jobs import JobRunner
    from pipeline.apps.slack.socket import socket_handler
    from pipeline.settings import Settings

    config = Settings()
    client = FakeSocketClient()
    handler = socket_handler(config, JobRunner(config, 1), client=client)
    assert handler.client is client and client.socket_mode_request_listeners == [handler.handle]
    command = {"command": "/brief", "text": "help", "channel_id": "C1", "user_id": "U1", "team_id": "T1"}
    client.deliver(SocketModeRequest(type="slash_commands", envelope_id="env-1", payload=command))
    assert client.responses[0].envelope_id == "env-1" and "/brief story ID" in client.responses[0].payload["text"]
    mention = {"type": "event_callback", "team_id": "T1", "event_id": "Ev-socket-1", "api_app_id": "A1",
               "event": {"type": "app_mention", "user": "U2", "channel": "C3", "ts": "17.1", "text": "<@UBOT> hello"}}
    client.deliver(SocketModeRequest(type="events_api", envelope_id="env-2", payload=mention))
    client.deliver(SocketModeRequest(type="events_api", envelope_id="env-3", payload=mention, retry_attempt=1))
    reply = fake_slack.wait_for("chat.postMessage", seconds=10)[0].args
    assert reply["channel"] == "C3" and reply["thread_ts"] == "17.1" and "links" in reply["text"]
    assert [r.envelope_id for r in client.responses] == ["env-1", "env-2", "env-3"]  # each acknowledged
    time.sleep(0.5)
    assert len(fake_slack.of("chat.postMessage")) == 1  # the retry was dropped


def test_digest_slack_posts_the_contents_then_each_brief_in_its_thread(tmp_path, http_server, monkeypatch,
                                                                       allow_loopback_fetch, fake_slack):
    from typer.testing import CliRunner

    from digest_fixtures import load_items, write_feeds
    from pipeline.apps.cli import app

    monkeypatch.setenv("NEWSBRIEF_LIMITS__FEED_FULL_TEXT_CHARS", "80")
    monkeypatch.setenv("NEWSBRIEF_WORKERS", "1")
    monkeypatch.setenv("NEWSBRIEF_SLACK__API_URL", fake_slack.base)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    feeds = write_feeds(tmp_path / "feeds", http_server, load_items())
    refused = CliRunner().invoke(app, ["digest", "--feeds", str(feeds), "--slack", "C5"])
    assert refused.exit_code == 2 and "SLACK_BOT_TOKEN is not set" in refused.stderr and not fake_slack.calls
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    posted = CliRunner().invoke(app, ["digest", "--feeds", str(feeds), "--slack", "C5"])
    assert posted.exit_code == 0 and "Slack C5: posted" in posted.stderr, posted.output
    top, *briefs = fake_slack.of("chat.postMessage")
    assert top.args["blocks"][0]["type"] == "header" and "new or changed" in top.args["blocks"][0]["text"]["text"]
    assert briefs and all(b.args["thread_ts"] == top.ts and b.args["channel"] == "C5" for b in briefs)
    assert sum(b.args["blocks"][0]["type"] == "header" for b in briefs) >= 1


def test_newsbrief_slack_needs_socket_and_names_a_missing_token(monkeypatch):
    from typer.testing import CliRunner

    from pipeline.apps.cli import app

    assert "newsbrief serve" in (plain := CliRunner().invoke(app, ["slack"])).stderr and plain.exit_code == 2
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)
    missing = CliRunner().invoke(app, ["slack", "--socket"])
    assert missing.exit_code == 2 and "SLACK_APP_TOKEN is not set: export SLACK_APP_TOKEN=" in missing.stderr
