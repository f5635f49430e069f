"""API tokens: each is printed once when created and stored only as a hash.

A token is 32 random bytes, so a plain SHA-256 of it cannot be reversed by guessing; a slow
password hash would only slow every request down.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from store.database import Database

PREFIX = "nb_"


class TokenExists(ValueError):
    """A token of that name is already there (revoked or not: names stay unique in the audit)."""


@dataclass
class TokenRow:
    name: str
    created_at: str
    revoked_at: str | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore:
    def __init__(self, db: Database):
        self.db = db

    def create(self, name: str) -> str:
        """A new token for ``name``; the only time it is seen in clear."""
        token = PREFIX + secrets.token_urlsafe(32)
        try:
            self.db.execute("INSERT INTO tokens (name, hash) VALUES (:name, :hash)", {"name": name, "hash": token_hash(token)})
        except IntegrityError:
            raise TokenExists(f"a token named {name!r} exists already; revoke it or choose another name") from None
        return token

    def who(self, token: str) -> str | None:
        """The name of a valid (not revoked) token, else None."""
        return self.db.execute("SELECT name FROM tokens WHERE hash = :hash AND revoked_at IS NULL",
                               {"hash": token_hash(token)}).scalar()

    def list(self) -> list[TokenRow]:
        return [TokenRow(*r) for r in self.db.execute("SELECT name, created_at, revoked_at FROM tokens ORDER BY created_at")]

    def revoke(self, name: str) -> bool:
        """False when no valid token has that name."""
        revoked = self.db.execute(f"UPDATE tokens SET revoked_at = {self.db.now}"
                                  " WHERE name = :name AND revoked_at IS NULL", {"name": name})
        return revoked.rowcount == 1
