"""The Slack door against a real `newsbrief serve` (its own SQLite, its job threads) and a fake of
Slack's Web API on 127.0.0.1 (tests/slack_fake.py): every request is signed with the signing
secret, as Slack signs them."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from conftest import FIXTURES, SEED_FILES, _free_port
from slack_fake import start_fake_slack
from test_serve import NEWSBRIEF, wait_ready

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BADGE_EMOJI = ("✅", "⚠️", "↔️", "◻️", "❌")
SLACK_LIMITS = {"blocks": 50, "section": 3000, "fields": 10}


@pytest.fixture(scope="module")
def slack(tmp_path_factory):
    """A fake Slack Web API and a real `newsbrief serve` that talks to it; both live for the module."""
    fake, fake_server = start_fake_slack()
    data_dir = tmp_path_factory.mktemp("slack-data")
    port = _free_port()
    env = os.environ | {"NEWSBRIEF_DATA_DIR": str(data_dir), "SLACK_BOT_TOKEN": "xoxb-test",
                        "SLACK_SIGNING_SECRET": SECRET, "NEWSBRIEF_SLACK__API_URL": fake.base,
                        "NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS": "true"}
    log = (data_dir / "serve.log").open("a")
    process = subprocess.Popen([NEWSBRIEF, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=log, stderr=log)
    try:
        wait_ready(process, f"http://127.0.0.1:{port}/healthz")
        fake.url = f"http://127.0.0.1:{port}/slack/events"
        fake.db_path = data_dir / "articles.sqlite3"
        yield fake
    finally:
        process.terminate()
        process.wait(30)
        log.close()
        fake_server.shutdown()


def signed_post(url: str, body: str, content_type: str, timestamp: int | None = None, secret: str = SECRET,
                headers: dict | None = None) -> httpx.Response:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    return httpx.post(url, content=body.encode(), timeout=30, headers={
        "Content-Type": content_type, "X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature,
        **(headers or {})})


def slash(url: str, text: str, **more) -> httpx.Response:
    form = {"token": "legacy", "team_id": "T1", "channel_id": "C1", "user_id": "U1", "user_name": "desk",
            "command": "/brief", "text": text, "response_url": "http://127.0.0.1:9/hook", "trigger_id": "t1",
            "api_app_id": "A1"}
    return signed_post(url, urlencode(form), "application/x-www-form-urlencoded", **more)


def interaction(url: str, payload: dict) -> httpx.Response:
    return signed_post(url, urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")


def pasted_example() -> str:
    """The two example articles pasted one after the other, the second with its outlet named."""
    meta = json.loads(SEED_FILES[1].with_suffix("").with_suffix(".meta.json").read_text())
    return f"{SEED_FILES[0].read_text()}\n---\noutlet: {meta['outlet']}\n{SEED_FILES[1].read_text()}"


def briefs_posted(fake, channel: str = "C1") -> list:
    return [c for c in fake.of("chat.postMessage") if c.args.get("channel") == channel and c.args.get("blocks")
            and c.args["blocks"][0]["type"] == "header"]


def section_texts(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section" and "text" in b]


def assert_within_limits(blocks: list[dict]) -> None:
    assert 0 < len(blocks) <= SLACK_LIMITS["blocks"]
    for block in blocks:
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= SLACK_LIMITS["section"]
            assert len(block.get("fields", [])) <= SLACK_LIMITS["fields"]
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150


@pytest.fixture(scope="module")
def example_brief(slack):
    """/brief with the example articles pasted: (seconds to the ack, the ack, the brief's messages)."""
    started = time.perf_counter()
    ack = slash(slack.url, pasted_example())
    seconds = time.perf_counter() - started
    first = slack.wait_for("chat.postMessage")[0]
    time.sleep(0.5)  # follow-ups, if any, come straight after the first
    messages = [c for c in slack.of("chat.postMessage") if c.args.get("channel") == "C1"]
    return seconds, ack, first, messages


def test_brief_of_pasted_articles_acks_at_once_then_posts_the_brief(slack, example_brief):
    seconds, ack, first, messages = example_brief
    assert ack.status_code == 200 and "Working on it" in ack.text and seconds < 3, (ack.text, seconds)
    blocks = first.args["blocks"]
    assert_within_limits(blocks)
    texts = "\n".join(section_texts(blocks))
    assert blocks[0]["type"] == "header" and "Apple" in blocks[0]["text"]["text"]
    assert section_texts(blocks)[0].startswith("*Main point:*")
    assert "*Figures*" in texts and "1.3%" in texts
    assert any(emoji in texts for emoji in BADGE_EMOJI) and "Asia Financial" in texts and "*Sources*" in texts
    buttons = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons.count("mark_wrong") == buttons.count("mark_confirmed") >= 4
    assert all(m.args.get("thread_ts") == first.ts for m in messages[1:])


def test_the_posted_brief_quotes_no_article_text_but_what_it_cites(slack, example_brief):
    from pipeline.apps.briefing import stored_brief
    from store.articles import ArticleStore

    posted = "\n".join(t for m in example_brief[3] for t in section_texts(m.args.get("blocks", [])))
    brief_id = next(json.loads(e["value"])["brief"] for b in example_brief[2].args["blocks"] if b["type"] == "actions"
                    for e in b["elements"])
    with ArticleStore(slack.db_path) as store:
        brief = stored_brief(store, brief_id)
        articles = [store.get(a["id"]) for f in brief.sources for a in f.articles]
    cited = [q.quote for p in brief.points for c in p.claims for q in c.citations] + \
            [p.text for p in brief.points] + [s.sentence for pair in brief.conflict_pairs for s in pair.sides]
    for article in articles:
        for paragraph in (p for p in article.text.split("\n") if len(p) > 40):
            assert paragraph not in posted or any(paragraph in q for q in cited), paragraph[:80]


def test_a_bad_signature_or_an_old_timestamp_is_refused_with_401(slack):
    assert slash(slack.url, "help", secret="not-the-secret").status_code == 401
    assert slash(slack.url, "help", timestamp=int(time.time()) - 6 * 60).status_code == 401
    assert slash(slack.url, "help").status_code == 200  # the same, signed now: accepted


def test_help_is_the_ack_itself(slack):
    answer = slash(slack.url, "help")
    assert answer.status_code == 200 and "/brief story ID" in answer.text


def test_a_retried_event_briefs_once(slack, http_server):
    for page in sorted((FIXTURES / "html").glob("*.html"))[:2]:
        http_server.routes[f"/{page.name}"] = (200, {"Content-Type": "text/html"}, page.read_bytes(), 0)
    links = " ".join(f"<{http_server.base}/{p.name}>" for p in sorted((FIXTURES / "html").glob("*.html"))[:2])
    event = {"token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": "Ev0RETRY1",
             "event_time": int(time.time()), "event": {"type": "app_mention", "user": "U2", "channel": "C2",
                                                       "ts": "1700000001.000100", "text": f"<@UBOT> brief {links}"}}
    body = json.dumps(event)
    assert signed_post(slack.url, body, "application/json").status_code == 200
    retry = signed_post(slack.url, body, "application/json", headers={"X-Slack-Retry-Num": "1",
                                                                        "X-Slack-Retry-Reason": "http_timeout"})
    assert retry.status_code == 200
    deadline = time.monotonic() + 120
    while not briefs_posted(slack, "C2"):
        assert time.monotonic() < deadline, slack.calls
        time.sleep(0.2)
    time.sleep(2)  # time enough for a second brief, were one coming
    posted = briefs_posted(slack, "C2")
    assert len(posted) == 1 and posted[0].args["thread_ts"] == "1700000001.000100"


def test_mark_wrong_opens_a_modal_and_its_submission_stores_the_override_and_updates_the_message(slack, example_brief):
    first = example_brief[2]
    button = next(e for b in first.args["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "mark_wrong")
    click = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U7", "name": "night-editor"},
             "api_app_id": "A1", "trigger_id": "trigger-7", "channel": {"id": "C1"},
             "container": {"type": "message", "message_ts": first.ts, "channel_id": "C1"},
             "message": {"ts": first.ts, "blocks": first.args["blocks"]},
             "actions": [{"type": "button", "action_id": "mark_wrong", "block_id": "b1", "value": button["value"],
                          "action_ts": str(time.time())}]}
    assert interaction(slack.url, click).status_code == 200
    view = slack.wait_for("views.open")[-1].args["view"]
    assert view["callback_id"] == "override_reason"
    submission = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U7", "name": "night-editor"},
                  "api_app_id": "A1", "view": {**view, "id": "V1", "state": {"values": {"reason": {"reason": {
                      "type": "plain_text_input", "value": "The outlet corrected this the next day."}}}}}}
    answer = interaction(slack.url, submission)
    assert answer.status_code == 200
    update = slack.wait_for("chat.update")[-1].args
    assert update["ts"] == first.ts and update["channel"] == "C1"
    assert "editor: ❌ unsupported" in "\n".join(section_texts(update["blocks"]))
    with sqlite3.connect(slack.db_path) as db:
        rows = db.execute("SELECT who, verdict, reason, claim_id FROM overrides").fetchall()
    assert ("slack:U7", "unsupported", "The outlet corrected this the next day.",
            json.loads(button["value"])["claim"]) in rows


def thirty_articles() -> str:
    """Thirty outlets' reports of one takeover, each in its own words and with its own figures."""
    verbs, days = ("agreed to buy", "will acquire", "is taking over", "struck a deal for"), ("Tuesday", "Monday")
    pieces = []
    for n in range(30):
        pieces.append(
            f"outlet: Outlet {n:02d} Business Desk\n"
            f"Nordhavn Bank {verbs[n % 4]} Westfield Credit, desk {n} reports\n"
            f"Nordhavn Bank {verbs[n % 4]} Westfield Credit for $2.4 billion, the lender said on {days[n % 2]}.\n"
            f"Shares of Nordhavn rose {1 + n % 4}.{n % 10}% by the close in Copenhagen, trader {n} noted.\n"
            f"Westfield runs {100 + n} branches across Denmark and Sweden according to filing {n}.\n"
            f"Westfield's profit rose {5 + n % 7}% in the third quarter to ${30 + n} million, its filing shows.\n"
            f"Regulator number {n} must approve it before the second half of 2026, analyst {n} said.")
    return "\n---\n".join(pieces)


def test_a_thirty_article_story_keeps_every_message_within_slacks_limits(slack):
    before = len(slack.of("chat.postMessage"))
    form_text = thirty_articles()
    slash(slack.url, form_text)
    deadline = time.monotonic() + 180
    while not [c for c in slack.of("chat.postMessage")[before:] if c.args.get("blocks")]:
        assert time.monotonic() < deadline, slack.calls[before:]
        time.sleep(0.2)
    time.sleep(1)
    messages = [c for c in slack.of("chat.postMessage")[before:] if c.args.get("channel") == "C1"]
    assert messages[0].args["blocks"][0]["type"] == "header", messages[0].args
    for message in messages:
        assert_within_limits(message.args["blocks"])
    sources = "\n".join(t for m in messages for t in section_texts(m.args["blocks"]) if "Outlet" in t)
    assert sum(f"Outlet {n:02d}" in sources for n in range(30)) == 30
    assert len(messages) > 1 and all(m.args["thread_ts"] == messages[0].ts for m in messages[1:])  # the rest in the thread
    conflicts = section_texts(messages[0].args["blocks"])[1]
    assert conflicts.startswith("*⚠️ Conflicts*\n• Nordhavn share price") and "    > Outlet" in conflicts


def test_a_web_api_429_is_waited_out_as_retry_after_says(slack):
    slack.rate_limited["chat.postEphemeral"] = [1]
    started = time.monotonic()
    slash(slack.url, "story ffff0000")  # no such story: the error goes to the user, ephemeral
    call = slack.wait_for("chat.postEphemeral")[-1]
    assert call.at - started >= 1 and "no story" in call.args["text"]


def test_check_this_claim_answers_in_the_messages_thread(slack, example_brief):
    shortcut = {"type": "message_action", "callback_id": "check_claim", "trigger_id": "t9", "team": {"id": "T1"},
                "user": {"id": "U3"}, "channel": {"id": "C4"}, "api_app_id": "A1", "response_url": "http://127.0.0.1:9/r",
                "message_ts": "1700000002.000200",
                "message": {"type": "message", "user": "U9", "ts": "1700000002.000200",
                            "text": "Alibaba's shares rose 1.3% by the close."}}
    assert interaction(slack.url, shortcut).status_code == 200
    deadline = time.monotonic() + 60
    while not (answers := [c for c in slack.of("chat.postMessage") if c.args.get("channel") == "C4"]):
        assert time.monotonic() < deadline, slack.calls
        time.sleep(0.2)
    answer = answers[0].args
    text = "\n".join(section_texts(answer["blocks"]))
    assert answer["thread_ts"] == "1700000002.000200" and "Apple Taps Alibaba" in text
    assert any(emoji in text for emoji in BADGE_EMOJI) and "1.3%" in text  # the verdict, and a cited quote
