"""Shared fixtures. Tests never touch the network: only loopback connections are allowed."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from eval_data import missing

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE_STORY = ROOT / "examples" / "apple-alibaba"
SEED_FILES = sorted(EXAMPLE_STORY.glob("*.txt"))


COMMENTS_PER_PAGE = 120  # pages of about 40 KB, the size of a long real page


def write_news_pages(folder: Path, count: int) -> list[Path]:
    """``count`` distinct news pages made from the fixture pages: each is one of them with its
    paragraphs drawn from all four stories in a seeded order, and a long comment thread (the
    size of a real page, so that extraction takes the time it does on the web)."""
    import html
    import json
    import random
    import re

    truth = json.loads((FIXTURES / "html" / "truth.json").read_text())
    pool = [p for row in truth.values() for p in row["articleBody"].split("\n\n")]
    templates = [(FIXTURES / "html" / f"{name}.html").read_text() for name in truth]
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for number in range(count):
        rng = random.Random(number)
        body = "".join(f"<p>{html.escape(p)}</p>\n" for p in rng.sample(pool, 8))
        comments = "".join(f"<div class='comment'><b>reader{rng.randrange(10**6)}</b><p>{html.escape(rng.choice(pool))}</p></div>"
                           for _ in range(COMMENTS_PER_PAGE))
        page = templates[number % len(templates)]
        page = re.sub(r"(<div class=\"(?:article-body|story-text|entry-content|article-content)\">).*?(</div>\n</?(?:div|article)\b)",
                      lambda m: m.group(1) + "\n" + body + m.group(2), page, count=1, flags=re.S)
        pages.append(folder / f"page-{number:03d}.html")
        pages[-1].write_text(page.replace("</body>", f"<section class='comments'>{comments}</section></body>", 1))
    return pages


def needs_data(*paths: Path):
    """Skip a test that reads the shared eval data when it is not beside the checkout (see
    eval/eval_data.py); CI has it, a bare clone need not."""
    absent = missing(*paths)
    return pytest.mark.skipif(bool(absent), reason=f"shared eval data not found: {', '.join(map(str, absent))}")


class NetworkBlocked(RuntimeError):
    pass


def _is_loopback(host) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def block_network(monkeypatch):
    """Refuse DNS look-ups and connections to anything but loopback."""
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def guarded_connect(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
            raise NetworkBlocked(f"test tried to reach {address!r}")
        return real_connect(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not _is_loopback(host):
            try:
                ipaddress.ip_address(str(host))  # a literal needs no look-up
            except ValueError:
                raise NetworkBlocked(f"test tried to resolve {host!r}") from None
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)


@pytest.fixture(autouse=True, scope="session")
def no_default_data_dir(tmp_path_factory):
    """Even a test that loses NEWSBRIEF_DATA_DIR never writes into the user's own data folder,
    nor into their cache (the unpacked language model, pipeline/ingest/language.py)."""
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg"))
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test gets its own data directory; nothing touches the user's."""
    path = tmp_path / "data"
    monkeypatch.setenv("NEWSBRIEF_DATA_DIR", str(path))
    return path


# --- a real HTTP server on 127.0.0.1 ------------------------------------------------------


class Routes(dict):
    """path -> (status, headers, body, delay_seconds); the delay comes before the body, or
    between its chunks when the body is a list."""


def _handler(routes: Routes):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            status, headers, body, delay = routes.get(self.path, (404, {}, b"not found", 0))
            if not isinstance(body, list):
                time.sleep(delay)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            chunks = body if isinstance(body, list) else [body]  # a list drips, `delay` apart
            self.send_header("Content-Length", str(sum(map(len, chunks))))
            self.end_headers()
            try:
                for index, chunk in enumerate(chunks):
                    if index:
                        time.sleep(delay)
                    self.wfile.write(chunk)
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def http_server():
    """A real threaded HTTP server on a free loopback port; tests add routes to it."""
    routes = Routes()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(routes))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    server.routes = routes
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def allow_loopback_fetch(monkeypatch):
    monkeypatch.setenv("NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS", "true")


# --- a real Chroma server -----------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """`chroma run` on a free loopback port, for the whole session; stopped at the end."""
    import sys
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(path), "--port", str(port), "--host", "127.0.0.1"]
    url = f"http://127.0.0.1:{port}"
    with running_server(command, f"{url}/api/v2/heartbeat", "chroma run", seconds=60):
        yield url


@contextlib.contextmanager
def running_server(command: list[str], ready_url: str, name: str, seconds: float, ready=None):
    """Start a real server process, wait until ``ready_url`` answers (or ``ready()`` stops
    raising OSError, for a server that speaks no HTTP), stop it afterwards."""
    import subprocess
    import urllib.request

    def answers() -> None:
        with urllib.request.urlopen(ready_url, timeout=2):
            pass

    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + seconds
    while True:
        try:
            (ready or answers)()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"{name} did not answer at {ready_url} within {seconds:g} s")
            time.sleep(0.2)
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)
