"""Slack events already handled, by their event_id: Slack delivers an event again when it did not
hear back in 3 s (``X-Slack-Retry-Num``), and a retried event must not brief twice."""

from __future__ import annotations

import sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS slack_events (
    event_id TEXT PRIMARY KEY,
    seen_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
"""


class SlackEventStore:
    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.db.executescript(SCHEMA)

    def first_time(self, event_id: str) -> bool:
        """True the first time an event id is seen, and never again (one statement: atomic)."""
        with self.db:
            cursor = self.db.execute("INSERT OR IGNORE INTO slack_events (event_id) VALUES (?)", (event_id,))
        return cursor.rowcount == 1
