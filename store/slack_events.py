"""Slack events already handled, by their event_id: Slack delivers an event again when it did not
hear back in 3 s (``X-Slack-Retry-Num``), and a retried event must not brief twice."""

from __future__ import annotations

from store.database import Database


class SlackEventStore:
    def __init__(self, db: Database):
        self.db = db

    def first_time(self, event_id: str) -> bool:
        """True the first time an event id is seen, and never again (one statement, and the key
        decides: atomic across processes)."""
        inserted = self.db.execute("INSERT INTO slack_events (event_id) VALUES (:id) ON CONFLICT DO NOTHING",
                                   {"id": event_id})
        return inserted.rowcount == 1
