"""Fetching URLs safely: a total time limit, a size limit, and no requests into private networks.

A URL an editor pastes must not let newsbrief probe the newsroom's own network. Every hop of a
redirect chain is resolved once, checked, and then connected to at exactly the address that
was checked (with the Host header and TLS name of the URL), so a DNS answer that changes between
the check and the connection cannot point the request at a private address.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

from pipeline.errors import FetchError
from pipeline.settings import FetchSettings

ALLOW_HINT = "set NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS=true to allow it"


@dataclass
class Fetched:
    url: str
    content: bytes
    content_type: str
    charset: str | None


@dataclass
class Target:
    """Where one request goes: the URL as written, and the checked address to connect to."""

    url: str
    host: str
    address: str
    port: int

    def pinned_url(self) -> str:
        parts = urlsplit(self.url)
        literal = f"[{self.address}]" if ":" in self.address else self.address
        return urlunsplit(parts._replace(netloc=f"{literal}:{self.port}"))

    def host_header(self) -> str:
        default = 443 if self.url.startswith("https") else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"


def resolve(url: str, settings: FetchSettings) -> Target:
    """Check a URL and pick the address to connect to; refuse non-public ones unless allowed."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise FetchError(f"not a valid URL: {url} ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise FetchError(f"cannot resolve host {parts.hostname!r}: {reason}", retryable=True) from None
    addresses = [info[4][0].split("%")[0] for info in infos]
    if not settings.allow_private_hosts:
        for address in addresses:
            if not ipaddress.ip_address(address).is_global:
                raise FetchError(
                    f"refusing {url}: {parts.hostname} resolves to non-public address {address}; {ALLOW_HINT}")
    return Target(url, parts.hostname, addresses[0], port)


def check_public(url: str, settings: FetchSettings) -> None:
    resolve(url, settings)


def fetch_url(url: str, settings: FetchSettings) -> Fetched:
    """GET a URL within ``settings.timeout_s`` in all, following redirects by hand."""
    import httpx  # imported lazily: the CLI's --help must stay fast

    deadline = time.monotonic() + settings.timeout_s
    headers = {"User-Agent": settings.user_agent,
               "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}
    with httpx.Client(timeout=httpx.Timeout(settings.timeout_s), headers=headers, follow_redirects=False) as client:
        for _ in range(settings.max_redirects + 1):
            target = resolve(url, settings)
            try:
                request = client.build_request(
                    "GET", target.pinned_url(), headers={"Host": target.host_header()},
                    extensions={"sni_hostname": target.host})
                response = client.send(request, stream=True)
                try:
                    if response.is_redirect:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return _read_body(target.url, response, settings, deadline)
                finally:
                    response.close()
            except httpx.TimeoutException as exc:
                raise FetchError(_timed_out(url, settings), retryable=True) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"could not fetch {url}: {exc}", retryable=True) from exc
    raise FetchError(f"more than {settings.max_redirects} redirects from {url}")


def _read_body(url: str, response, settings: FetchSettings, deadline: float) -> Fetched:
    if response.status_code >= 400:
        raise FetchError(
            f"HTTP {response.status_code} {response.reason_phrase} from {url}",
            retryable=response.status_code >= 500 or response.status_code == 429,
        )
    declared = int(response.headers.get("content-length") or 0)
    if declared > settings.max_bytes:
        raise FetchError(_too_large(url, settings))
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > settings.max_bytes:
            raise FetchError(_too_large(url, settings))
        if time.monotonic() > deadline:  # a server that drips bytes never trips the read timeout
            raise FetchError(_timed_out(url, settings), retryable=True)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    return Fetched(url=url, content=bytes(body), content_type=content_type, charset=response.charset_encoding)


def _timed_out(url: str, settings: FetchSettings) -> str:
    return f"timed out after {settings.timeout_s:g}s fetching {url} (NEWSBRIEF_FETCH__TIMEOUT_S)"


def _too_large(url: str, settings: FetchSettings) -> str:
    return f"response from {url} is larger than {settings.max_bytes:,} bytes; raise NEWSBRIEF_FETCH__MAX_BYTES to accept it"
