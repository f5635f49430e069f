"""Delivering a rendered digest. Each deliverer takes the stored ``Digest`` (and its renderings)
and reports per recipient what went and what failed; e-mail is here, and Slack's poster (the
Slack bot's issue) plugs in the same way, reading ``Digest.stories``."""

from dataclasses import dataclass


@dataclass
class Delivery:
    recipient: str
    ok: bool
    reason: str | None = None
