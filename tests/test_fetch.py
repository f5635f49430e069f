"""Fetching against a real HTTP server on 127.0.0.1, and the refusal of private addresses."""

from __future__ import annotations

import pytest

from pipeline.errors import FetchError
from pipeline.ingest.fetch import check_public, fetch_url, resolve
from pipeline.settings import FetchSettings

OPEN = FetchSettings(allow_private_hosts=True, timeout_s=0.5, max_bytes=10_000)


def test_fetches_a_page(http_server):
    http_server.routes["/a"] = (200, {"Content-Type": "text/html; charset=utf-8"}, b"<p>hello</p>", 0)
    fetched = fetch_url(http_server.base + "/a", OPEN)
    assert fetched.content == b"<p>hello</p>"
    assert fetched.content_type == "text/html" and fetched.charset == "utf-8"


def test_follows_redirects(http_server):
    http_server.routes["/old"] = (301, {"Location": "/new"}, b"", 0)
    http_server.routes["/new"] = (200, {}, b"moved here", 0)
    fetched = fetch_url(http_server.base + "/old", OPEN)
    assert fetched.content == b"moved here" and fetched.url.endswith("/new")


def test_redirect_loop_is_bounded(http_server):
    http_server.routes["/loop"] = (302, {"Location": "/loop"}, b"", 0)
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch_url(http_server.base + "/loop", OPEN)


def test_http_error_says_status(http_server):
    with pytest.raises(FetchError, match="HTTP 404 Not Found") as caught:
        fetch_url(http_server.base + "/missing", OPEN)
    assert not caught.value.retryable


def test_timeout(http_server):
    http_server.routes["/slow"] = (200, {}, b"late", 2)
    with pytest.raises(FetchError, match=r"timed out after 0.5s") as caught:
        fetch_url(http_server.base + "/slow", OPEN)
    assert caught.value.retryable


def test_size_limit(http_server):
    http_server.routes["/big"] = (200, {}, b"x" * 20_000, 0)
    with pytest.raises(FetchError, match="larger than 10,000 bytes; raise NEWSBRIEF_FETCH__MAX_BYTES"):
        fetch_url(http_server.base + "/big", OPEN)


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "http://10.1.2.3/x", "http://192.168.0.1/", "http://169.254.169.254/latest/meta-data",
     "http://[::1]/", "http://0.0.0.0/", "http://localhost/"],
)
def test_private_addresses_are_refused_by_default(url):
    with pytest.raises(FetchError, match="non-public address .*ALLOW_PRIVATE_HOSTS=true"):
        check_public(url, FetchSettings())


def test_redirect_into_private_network_is_refused(http_server, monkeypatch):
    """A public-looking first hop may not bounce the fetch into the internal network."""
    http_server.routes["/hop"] = (302, {"Location": "http://10.0.0.7/admin"}, b"", 0)
    checked = []

    def test_server_counts_as_public(url, settings):
        checked.append(url)
        return resolve(url, OPEN if url.startswith(http_server.base) else settings)

    monkeypatch.setattr("pipeline.ingest.fetch.resolve", test_server_counts_as_public)
    with pytest.raises(FetchError, match="10.0.0.7"):
        fetch_url(http_server.base + "/hop", FetchSettings(timeout_s=0.5))
    assert checked == [http_server.base + "/hop", "http://10.0.0.7/admin"]


def test_connection_goes_to_the_checked_address(monkeypatch):
    """The address that passed the check is the one connected to (no second DNS answer)."""
    answers = iter(["93.184.216.34", "127.0.0.1"])  # a rebinding DNS server's two answers
    monkeypatch.setattr("socket.getaddrinfo", lambda host, port, **kw: [(2, 1, 6, "", (next(answers), port))])
    target = resolve("https://news.example:8443/story?id=1", FetchSettings())
    assert target.pinned_url() == "https://93.184.216.34:8443/story?id=1"
    assert target.host_header() == "news.example:8443" and target.host == "news.example"


def test_a_dripping_server_hits_the_total_time_limit(http_server):
    http_server.routes["/drip"] = (200, {}, [b"x"] * 20, 0.1)  # 2 s of 0.1 s gaps, each under the timeout
    with pytest.raises(FetchError, match="timed out after 0.5s"):
        fetch_url(http_server.base + "/drip", OPEN)


@pytest.mark.parametrize("url", ["http://example.com:99999/x", "http://[::1/x"])
def test_malformed_urls_are_fetch_errors(url):
    with pytest.raises(FetchError):
        resolve(url, FetchSettings())


@pytest.mark.parametrize("url", ["ftp://example.com/file", "file:///etc/passwd", "http:///nohost"])
def test_non_http_urls_are_refused(url):
    with pytest.raises(FetchError, match="not an http"):
        check_public(url, FetchSettings())
