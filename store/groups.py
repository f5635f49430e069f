"""Families and stories, kept beside the articles in the same database."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from store.articles import batches
from store.database import Database

SPAN_PARAMETERS = ("a", "s", "e", "o", "os", "oe", "score")  # a shared_spans row, as its columns stand


@dataclass
class GroupRow:
    article_id: str
    original_id: str
    family_id: str
    story_id: str


class GroupStore:
    def __init__(self, db: Database):
        self.db = db
        self.order = f"a.{db.insertion_order}"  # articles in the order they were stored

    def ungrouped_ids(self) -> list[str]:
        rows = self.db.execute(
            "SELECT a.id FROM articles a LEFT JOIN groups g ON g.article_id = a.id WHERE g.article_id IS NULL"
            f" ORDER BY {self.order}")
        return [r[0] for r in rows]

    def rows(self, since: str | None = None) -> list[GroupRow]:
        """Grouped articles, in ingestion order; ``since`` limits them to ingestions after it."""
        sql = "SELECT g.* FROM groups g JOIN articles a ON a.id = g.article_id"
        sql += (" WHERE a.ingested_at >= :since" if since else "") + f" ORDER BY {self.order}"
        return [GroupRow(*r) for r in self.db.execute(sql, {"since": since})]

    def rows_for(self, article_ids: set[str]) -> list[GroupRow]:
        """The rows of these articles, in ingestion order."""
        found = []
        for chunk in batches(sorted(article_ids)):
            found += self.db.execute(f"SELECT g.*, {self.order} FROM groups g JOIN articles a ON a.id = g.article_id"
                                     " WHERE g.article_id IN :ids", {"ids": chunk}).fetchall()
        return [GroupRow(*r[:4]) for r in sorted(found, key=lambda r: r[4])]

    def save(self, rows: list[GroupRow], spans: list[tuple]) -> None:
        """Write rows and shared spans in one transaction: a crash leaves all or nothing, and a
        row written again (by a rerun, or another worker) replaces itself."""
        with self.db:
            if rows:
                self.db.execute("INSERT INTO groups VALUES (:article_id, :original_id, :family_id, :story_id)"
                                " ON CONFLICT (article_id) DO UPDATE SET original_id = excluded.original_id,"
                                " family_id = excluded.family_id, story_id = excluded.story_id",
                                [asdict(r) for r in rows])
            if spans:
                self.db.execute("INSERT INTO shared_spans VALUES (:a, :s, :e, :o, :os, :oe, :score) ON CONFLICT DO NOTHING",
                                [dict(zip(SPAN_PARAMETERS, span)) for span in spans])

    def story_rows(self, story_id: str) -> list[GroupRow]:
        rows = self.db.execute("SELECT g.* FROM groups g JOIN articles a ON a.id = g.article_id"
                               f" WHERE g.story_id = :story ORDER BY {self.order}", {"story": story_id})
        return [GroupRow(*r) for r in rows]

    def story_ids(self, since: str | None = None) -> list[str]:
        """Stories in the order they first appeared; ``since`` (an ISO date or time) keeps those with
        an article published then or later, or ingested then or later when its date is unknown."""
        having = " HAVING MAX(COALESCE(a.published, a.ingested_at)) >= :since" if since else ""
        rows = self.db.execute("SELECT g.story_id FROM groups g JOIN articles a ON a.id = g.article_id"
                               f" GROUP BY g.story_id{having} ORDER BY MIN({self.order})", {"since": since})
        return [r[0] for r in rows]

    def linked(self, article_ids: set[str]) -> set[str]:
        """These articles and every article whose duplicate, family or story link leans on them,
        however indirectly: what must be regrouped when they go."""
        linked, frontier = set(article_ids), set(article_ids)
        while frontier:
            found = set()
            for chunk in batches(sorted(frontier)):
                found |= {r[0] for r in self.db.execute(
                    "SELECT g.article_id FROM groups g WHERE g.original_id IN :ids OR g.family_id IN :ids"
                    " OR g.story_id IN :ids OR g.story_id IN (SELECT story_id FROM groups WHERE article_id IN :ids)",
                    {"ids": chunk})}
            frontier = found - linked
            linked |= found
        return linked

    def forget(self, article_ids: set[str]) -> None:
        """Drop these articles' groups and shared spans: they are grouped again as if new."""
        with self.db:
            for chunk in batches(sorted(article_ids)):
                self.db.execute("DELETE FROM groups WHERE article_id IN :ids", {"ids": chunk})
                self.db.execute("DELETE FROM shared_spans WHERE article_id IN :ids OR other_id IN :ids", {"ids": chunk})

    def duplicates_of(self, article_ids: set[str]) -> set[str]:
        """The articles whose original is one of these (the originals themselves left out)."""
        found = set()
        for chunk in batches(sorted(article_ids)):
            found |= {r[0] for r in self.db.execute("SELECT article_id FROM groups WHERE original_id IN :ids", {"ids": chunk})}
        return found - article_ids

    def decided_stories(self) -> dict[str, str]:
        """Article id -> the story an editor put it in."""
        return dict(tuple(r) for r in self.db.execute("SELECT article_id, story_id FROM story_decisions"))

    def decide(self, article_ids: list[str], story_id: str, decision: str, moved: list[GroupRow]) -> None:
        """Record that these articles belong to the story, and write the rows that moved, together."""
        with self.db:
            if article_ids:
                self.db.execute(
                    "INSERT INTO story_decisions (article_id, story_id, decision) VALUES (:article, :story, :decision)"
                    " ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id,"
                    f" decision = excluded.decision, decided_at = {self.db.now}",
                    [{"article": a, "story": story_id, "decision": decision} for a in article_ids])
            if moved:
                self.db.execute("UPDATE groups SET story_id = :story_id WHERE article_id = :article_id",
                                [asdict(r) for r in moved])

    def forget_decisions(self, article_ids: set[str]) -> None:
        """For articles that leave the store; regrouping keeps them."""
        with self.db:
            for chunk in batches(sorted(article_ids)):
                self.db.execute("DELETE FROM story_decisions WHERE article_id IN :ids", {"ids": chunk})

    def shared_spans(self, article_ids: list[str]) -> list[tuple]:
        return [tuple(r) for r in self.db.execute("SELECT * FROM shared_spans WHERE article_id IN :ids",
                                                  {"ids": list(article_ids)})]
