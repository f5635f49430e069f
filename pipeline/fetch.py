"""Fetching URLs safely: timeouts, a size limit, and no requests into private networks.

A URL an editor pastes must not let newsbrief probe the newsroom's own network, so every hop
of a redirect chain is resolved and refused when it points at a private, loopback, link-local
or otherwise non-public address, unless ``fetch.allow_private_hosts`` is set.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from pipeline.errors import FetchError
from pipeline.settings import FetchSettings

ALLOW_HINT = "set NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS=true to allow it"


@dataclass
class Fetched:
    url: str
    content: bytes
    content_type: str
    charset: str | None


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}: {exc.strerror}", retryable=True) from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_public(url: str, settings: FetchSettings) -> None:
    """Refuse URLs that are not http(s) or that resolve to a non-public address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) URL: {url}")
    if settings.allow_private_hosts:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    for address in _addresses(parts.hostname, port):
        if not address.is_global:
            raise FetchError(
                f"refusing {url}: {parts.hostname} resolves to non-public address {address}; {ALLOW_HINT}"
            )


def fetch_url(url: str, settings: FetchSettings) -> Fetched:
    """GET a URL, following redirects by hand so that each hop is checked."""
    import httpx  # imported lazily: the CLI's --help must stay fast

    timeout = httpx.Timeout(settings.timeout_s)
    headers = {"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}
    with httpx.Client(timeout=timeout, headers=headers, follow_redirects=False) as client:
        for _ in range(settings.max_redirects + 1):
            check_public(url, settings)
            try:
                with client.stream("GET", url) as response:
                    if response.is_redirect:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return _read_body(url, response, settings)
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out after {settings.timeout_s:g}s fetching {url}", retryable=True) from exc
            except httpx.HTTPError as exc:
                raise FetchError(f"could not fetch {url}: {exc}", retryable=True) from exc
    raise FetchError(f"more than {settings.max_redirects} redirects from {url}")


def _read_body(url: str, response, settings: FetchSettings) -> Fetched:
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
    content_type = response.headers.get("content-type", "")
    return Fetched(url=str(response.url), content=bytes(body), content_type=content_type.split(";")[0].strip().lower(), charset=response.charset_encoding)


def _too_large(url: str, settings: FetchSettings) -> str:
    return f"response from {url} is larger than {settings.max_bytes:,} bytes; raise NEWSBRIEF_FETCH__MAX_BYTES to accept it"
