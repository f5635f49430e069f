"""API tokens: each is printed once when created and stored only as a hash.

A token is 32 random bytes, so a plain SHA-256 of it cannot be reversed by guessing; a slow
password hash would only slow every request down.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    name       TEXT PRIMARY KEY,   -- who: shown in the audit trail
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at TEXT
);
"""
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
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)

    def create(self, name: str) -> str:
        """A new token for ``name``; the only time it is seen in clear."""
        token = PREFIX + secrets.token_urlsafe(32)
        try:
            with self.db:
                self.db.execute("INSERT INTO tokens (name, hash) VALUES (?, ?)", (name, token_hash(token)))
        except sqlite3.IntegrityError:
            raise TokenExists(f"a token named {name!r} exists already; revoke it or choose another name") from None
        return token

    def who(self, token: str) -> str | None:
        """The name of a valid (not revoked) token, else None."""
        row = self.db.execute("SELECT name FROM tokens WHERE hash = ? AND revoked_at IS NULL",
                              (token_hash(token),)).fetchone()
        return row[0] if row else None

    def list(self) -> list[TokenRow]:
        return [TokenRow(*r) for r in self.db.execute("SELECT name, created_at, revoked_at FROM tokens ORDER BY created_at")]

    def revoke(self, name: str) -> bool:
        """False when no valid token has that name."""
        with self.db:
            cursor = self.db.execute("UPDATE tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
                                     " WHERE name = ? AND revoked_at IS NULL", (name,))
        return cursor.rowcount == 1
