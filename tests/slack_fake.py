"""A fake of Slack's Web API on 127.0.0.1, in the style of slack-bolt's
tests/mock_web_api_server: it answers the methods the Slack door calls, records every call, and
answers 429 with Retry-After when a test asks it to. Everything else in the Slack tests is real."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

ANSWERS = {
    "auth.test": lambda call: {"url": "https://newsroom.slack.test/", "team": "Newsroom", "user": "newsbrief",
                               "team_id": "T1", "user_id": "UBOT", "bot_id": "B1"},
    "chat.postMessage": lambda call: {"channel": call.args.get("channel"), "ts": call.ts,
                                      "message": {"text": call.args.get("text", "")}},
    "chat.update": lambda call: {"channel": call.args.get("channel"), "ts": call.args.get("ts")},
    "chat.postEphemeral": lambda call: {"message_ts": call.ts},
    "views.open": lambda call: {"view": {"id": "V1"}},
}


@dataclass
class Call:
    method: str
    args: dict
    at: float
    ts: str = ""


@dataclass
class FakeSlack:
    base: str = ""
    calls: list[Call] = field(default_factory=list)
    rate_limited: dict[str, list[int]] = field(default_factory=dict)  # method -> Retry-After of the next 429s
    lock: threading.Lock = field(default_factory=threading.Lock)
    stamps: itertools.count = field(default_factory=lambda: itertools.count(1))

    def of(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, seconds: float = 120) -> list[Call]:
        deadline = time.monotonic() + seconds
        while len(found := self.of(method)) < count:
            assert time.monotonic() < deadline, f"{count} {method} calls expected, got {len(found)}: {self.calls}"
            time.sleep(0.1)
        return found


def _handler(fake: FakeSlack):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            method = self.path.rsplit("/", 1)[-1]
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            args = json.loads(raw) if "json" in self.headers.get("Content-Type", "") else dict(parse_qsl(raw))
            if isinstance(args.get("blocks"), str):
                args["blocks"] = json.loads(args["blocks"])
            with fake.lock:
                waits = fake.rate_limited.get(method)
                if waits:
                    return self._answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(waits.pop(0))})
                call = Call(method, args, time.monotonic(), f"1700000000.{next(fake.stamps):06d}")
                fake.calls.append(call)
            answer = ANSWERS.get(method)
            self._answer(200, {"ok": True, **answer(call)} if answer else {"ok": False, "error": "unknown_method"})

        def _answer(self, status: int, body: dict, headers: dict | None = None):
            data = json.dumps(body).encode()
            self.send_response(status)
            for key, value in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    return Handler


def start_fake_slack() -> tuple[FakeSlack, ThreadingHTTPServer]:
    fake = FakeSlack()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    fake.base = f"http://127.0.0.1:{server.server_address[1]}/api/"
    return fake, server
