"""The store as it was before the migrations: every table, created where it is missing.

A SQLite file written by an earlier version has some or all of these tables already, perhaps
without the columns added since (an article's words and sentences, a brief's version): they
are added, empty for the rows already there, instead of the file being refused.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

from store.database import NOW

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    present = set(sa.inspect(op.get_bind()).get_table_names())
    now = sa.text(f"({NOW[dialect]})")

    def table(name: str, *columns, indexes: dict[str, list[str]] | None = None, legacy: tuple[str, ...] = ()):
        if name not in present:
            op.create_table(name, *columns)
            for index, on in (indexes or {}).items():
                op.create_index(index, name, on)
            return
        have = {c["name"] for c in sa.inspect(op.get_bind()).get_columns(name)}
        missing = [c for c in columns if isinstance(c, sa.Column) and c.name in legacy and c.name not in have]
        if not missing:
            return
        with op.batch_alter_table(name) as batch:
            for column in missing:
                batch.add_column(column)

    def insertion_order():
        # SQLite numbers rows itself (rowid); PostgreSQL needs the column.
        return [sa.Column("seq", sa.BigInteger, sa.Identity(), nullable=False, unique=True)] if dialect != "sqlite" else []

    table("articles",
          sa.Column("id", sa.Text, primary_key=True),
          sa.Column("source", sa.Text, nullable=False),
          *(sa.Column(name, sa.Text) for name in ("url", "outlet", "title", "author", "published", "language", "credit")),
          sa.Column("text", sa.Text, nullable=False),
          sa.Column("words", sa.Integer),
          sa.Column("sentences", sa.Integer),
          sa.Column("ingested_at", sa.Text, nullable=False, server_default=now),
          *insertion_order(),
          legacy=("words", "sentences"))
    # Every input an article's text was read from: an exact reprint by another outlet is the
    # same article, but the brief can still name who ran it.
    table("sightings",
          sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id"), nullable=False),
          sa.Column("source", sa.Text, nullable=False),
          *(sa.Column(name, sa.Text) for name in ("url", "outlet", "title")),
          sa.Column("seen_at", sa.Text, nullable=False, server_default=now),
          *insertion_order(),
          sa.PrimaryKeyConstraint("article_id", "source"))
    table("groups",
          sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id"), primary_key=True),
          sa.Column("original_id", sa.Text, nullable=False),  # earliest article of its duplicate group
          sa.Column("family_id", sa.Text, nullable=False),    # earliest article of its source family
          sa.Column("story_id", sa.Text, nullable=False),     # earliest article of its story
          indexes={"groups_by_story": ["story_id"]})
    table("shared_spans",
          sa.Column("article_id", sa.Text, nullable=False),
          sa.Column("start", sa.Integer, nullable=False),
          sa.Column("end", sa.Integer, nullable=False),
          sa.Column("other_id", sa.Text, nullable=False),
          sa.Column("other_start", sa.Integer, nullable=False),
          sa.Column("other_end", sa.Integer, nullable=False),
          sa.Column("score", sa.Float, nullable=False),
          sa.PrimaryKeyConstraint("article_id", "start", "other_id", "other_start"))
    # An editor's decisions: the article belongs to this story, whatever grouping would say.
    table("story_decisions",
          sa.Column("article_id", sa.Text, sa.ForeignKey("articles.id"), primary_key=True),
          sa.Column("story_id", sa.Text, nullable=False),
          sa.Column("decision", sa.Text, nullable=False),  # 'merge', 'move' or 'brief'
          sa.Column("decided_at", sa.Text, nullable=False, server_default=now))
    table("briefs",
          sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("story_id", sa.Text, nullable=False),
          sa.Column("engine", sa.Text, nullable=False),  # 'llm' or 'extractive'
          sa.Column("model", sa.Text),                   # the LLM that wrote it; NULL when none did
          sa.Column("headline", sa.Text),
          sa.Column("created_at", sa.Text, nullable=False, server_default=now),
          sa.Column("brief", sa.Text, nullable=False),   # the brief's JSON
          sa.Column("version", sa.Text),                 # a hash of the story's articles and configuration
          indexes={"briefs_by_story": ["story_id"]}, legacy=("version",))
    # What changed from one version of a story's brief to the next (pipeline.brief.changes).
    table("brief_changes",
          sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("story_id", sa.Text, nullable=False),
          sa.Column("brief_id", sa.Integer, nullable=False),  # the new version
          sa.Column("previous", sa.Integer, nullable=False),  # the version it is compared with
          sa.Column("kind", sa.Text, nullable=False),
          sa.Column("text", sa.Text, nullable=False),
          sa.Column("subject", sa.Text),
          sa.Column("created_at", sa.Text, nullable=False, server_default=now),
          indexes={"brief_changes_by_story": ["story_id", "brief_id"]})
    table("digests",
          sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("name", sa.Text, nullable=False),
          sa.Column("created_at", sa.Text, nullable=False, server_default=now),
          sa.Column("nothing_new", sa.Integer, nullable=False, server_default="0"),
          sa.Column("document", sa.Text, nullable=False),  # the digest's JSON, as rendered
          indexes={"digests_by_name": ["name", "id"]})
    table("digest_stories",
          sa.Column("digest_id", sa.Integer, sa.ForeignKey("digests.id"), nullable=False),
          sa.Column("story_id", sa.Text, nullable=False),
          sa.Column("brief_id", sa.Integer),           # the stored brief the digest showed
          sa.Column("status", sa.Text, nullable=False),  # new, changed or unchanged
          sa.Column("rank", sa.Integer, nullable=False),
          sa.PrimaryKeyConstraint("digest_id", "story_id"))
    table("jobs",
          sa.Column("id", sa.Text, primary_key=True),
          sa.Column("key", sa.Text, nullable=False),      # a hash of the request: identical requests share a job
          sa.Column("kind", sa.Text, nullable=False),
          sa.Column("request", sa.Text, nullable=False),  # the request's JSON, as validated
          sa.Column("who", sa.Text),
          sa.Column("status", sa.Text, nullable=False),   # queued | running | done | failed
          sa.Column("progress", sa.Text, nullable=False, server_default="{}"),
          sa.Column("failures", sa.Text, nullable=False, server_default="[]"),
          sa.Column("story_id", sa.Text),
          sa.Column("brief_id", sa.Integer),
          sa.Column("error", sa.Text),
          sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
          sa.Column("created_at", sa.Text, nullable=False, server_default=now),
          sa.Column("updated_at", sa.Text, nullable=False, server_default=now),
          indexes={"jobs_by_key": ["key", "status"]})
    table("overrides",
          sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("story_id", sa.Text, nullable=False),
          sa.Column("claim_id", sa.Text, nullable=False),
          sa.Column("claim", sa.Text, nullable=False),  # the claim's text when it was overridden
          sa.Column("machine_verdict", sa.Text, nullable=False),
          sa.Column("verdict", sa.Text, nullable=False),  # the editor's
          sa.Column("reason", sa.Text, nullable=False),
          sa.Column("who", sa.Text, nullable=False),      # the token's name
          sa.Column("brief_id", sa.Integer),              # the stored brief the editor was looking at
          sa.Column("created_at", sa.Text, nullable=False, server_default=now),
          indexes={"overrides_by_story": ["story_id", "claim_id"]})
    table("slack_events",
          sa.Column("event_id", sa.Text, primary_key=True),
          sa.Column("seen_at", sa.Text, nullable=False, server_default=now))
    table("tokens",
          sa.Column("name", sa.Text, primary_key=True),  # who: shown in the audit trail
          sa.Column("hash", sa.Text, nullable=False, unique=True),
          sa.Column("created_at", sa.Text, nullable=False, server_default=now),
          sa.Column("revoked_at", sa.Text))


def downgrade() -> None:
    for name in ("tokens", "slack_events", "overrides", "jobs", "digest_stories", "digests", "brief_changes", "briefs",
                 "story_decisions", "shared_spans", "groups", "sightings", "articles"):
        op.drop_table(name)
