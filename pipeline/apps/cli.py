"""The command line: parse arguments, call the library, render the result.

Exit codes: 0 on success, 1 when some inputs failed and the rest went through, 2 on a usage
error, which includes an id (article, story) that names nothing. Heavy libraries are imported
inside the commands so that ``--help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer
from rich.console import Console
from typer.core import TyperCommand, TyperGroup

from pipeline.apps.progress import StageProgress

if TYPE_CHECKING:
    from pipeline.ingest.batch import Outcome
    from pipeline.models import Article
    from pipeline.settings import Settings


class _PlainFlags:
    """typer shows a type beside every option in --help, ``<bool>`` for flags too; a flag takes no
    value, so it shows none."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params


class _Command(_PlainFlags, TyperCommand):
    pass


class _Group(_PlainFlags, TyperGroup):
    pass


class _Typer(typer.Typer):
    """A Typer whose commands and groups show flags without a type."""

    def __init__(self, **kwargs):
        super().__init__(cls=_Group, **kwargs)

    def command(self, *args, **kwargs):
        return super().command(*args, cls=_Command, **kwargs)


app = _Typer(
    add_completion=True,
    no_args_is_help=True,
    help="newsbrief: briefs of a news story across outlets, every claim cross-checked.",
)
stories_app = _Typer(help="List stories with their articles, outlets and source families; remove one, merge two, "
                     "or move an article to another story.")
app.add_typer(stories_app, name="stories")
tokens_app = _Typer(no_args_is_help=True, help="API tokens for `newsbrief serve`: create (printed once), list, revoke.")
app.add_typer(tokens_app, name="tokens")
db_app = _Typer(no_args_is_help=True, help="The article store's schema: upgrade it (Alembic migrations), show its revision.")
app.add_typer(db_app, name="db")
out = Console()
err = Console(stderr=True)

EXIT_PARTIAL = 1
EXIT_USAGE = 2
ID_MIN_CHARS = 4  # as git allows: shorter prefixes match too much to be meant

JsonFlag = Annotated[bool, typer.Option("--json", "--jsonl", help="Print JSON instead of tables.")]
Sources = Annotated[list[str], typer.Argument(help="Files, folders, URLs, RSS/Atom feeds or JSONL files.")]
Limit = Annotated[Optional[int], typer.Option(min=1, help="Show at most this many.")]
StoryId = Annotated[str, typer.Argument(help="A story id, or a unique prefix of it (see `newsbrief stories`).")]

_state: dict = {}


def _print_version(asked: bool) -> None:
    if asked:
        from importlib.metadata import version

        print(f"newsbrief {version('newsbrief')}")
        raise typer.Exit()


@app.callback()
def _global(
    data_dir: Annotated[
        Optional[Path], typer.Option(help="Data directory; defaults to $NEWSBRIEF_DATA_DIR or a per-user folder.")
    ] = None,
    config_file: Annotated[
        Optional[Path], typer.Option("--config", help="A TOML settings file, in place of newsbrief.toml in the data "
                                     "directory; NEWSBRIEF_* variables still win over it.")
    ] = None,
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["overrides"] = {key: value for key, value in (("data_dir", data_dir), ("config_file", config_file)) if value}


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    err.print(f"[red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(code)


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """'1 story', '2 stories'."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"


def settings() -> Settings:
    from pydantic import ValidationError

    from pipeline.settings import Settings, SettingsFileError

    try:
        return Settings(**_state.get("overrides", {}))
    except ValidationError as exc:
        fail(f"bad setting (a NEWSBRIEF_* variable or the settings file):\n{exc}")
    except SettingsFileError as exc:
        fail(str(exc))


def open_store(config: Settings):
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.apps.storage import open_article_store, store_location
    from store.database import StoreNotReady

    try:
        return open_article_store(config)
    except StoreNotReady as exc:
        fail(str(exc))
    except (OSError, SQLAlchemyError) as exc:
        hint = ("check NEWSBRIEF_DATABASE_URL and that the server is up" if config.database_url
                else "set NEWSBRIEF_DATA_DIR (or --data-dir) to a writable folder")
        fail(f"cannot open the article store at {store_location(config)}: {_first_line(exc)}; {hint}")


def _first_line(exc: Exception) -> str:
    """SQLAlchemy's messages carry the SQL and a link on further lines."""
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def open_index(config: Settings):
    """The vector index, or a one-line error (exit 2) saying how to fix the setting."""
    from pipeline.errors import NewsbriefError
    from pipeline.index.chroma import VectorIndex

    try:
        return VectorIndex(config)
    except NewsbriefError as exc:
        fail(str(exc))


def print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, default=str))


def resolve_story(store, config: Settings, prefix: str, also: str = "") -> str:
    """The story an id prefix names (pending articles are grouped first), or a usage error."""
    from store.groups import GroupStore

    _group(store, config)
    matches = [s for s in GroupStore(store.db).story_ids() if s.startswith(prefix)] if len(prefix) >= ID_MIN_CHARS else []
    if len(matches) != 1:
        problem = "more than one story matches" if matches else f"no {also}story matches"
        fail(f"{problem} {prefix!r}; list them with `newsbrief stories`")
    return matches[0]


def resolve_article(store, prefix: str) -> Article:
    """The article an id prefix names, or a usage error."""
    from store.articles import AmbiguousId

    if len(prefix) < ID_MIN_CHARS:
        fail(f"give at least {ID_MIN_CHARS} characters of the id, not {prefix!r}")
    try:
        article = store.get(prefix)
    except AmbiguousId as exc:
        fail(str(exc))
    if article is None:
        fail(f"no article with id {prefix!r}; list them with `newsbrief articles`")
    return article


# --- ingest, and the stages it runs -------------------------------------------------------------


@app.command()
def ingest(
    sources: Sources,
    as_json: JsonFlag = False,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Index into the vector store as it goes.")] = True,
) -> None:
    """Read, clean, store, group and index articles. Running it twice changes nothing."""
    from pipeline.apps import preload
    from pipeline.grouping import grouping_of
    from pipeline.ingest.language import load_language_model
    from store.groups import GroupStore

    config = settings()
    # Every ingest detects languages: the model loads beside the store's opening (its migrations
    # on a new store), not after it; that matters at the first run, which unpacks it (0.9 s:
    # pipeline/ingest/language.py). A fork waits for the thread (apps/preload.py).
    preload.start(load_language_model)
    with open_store(config) as store:
        stories_before = set(GroupStore(store.db).story_ids())
        printed = (lambda o: print_json(o.as_json())) if as_json else None
        report = _extract_and_store(sources, store, config, on_outcome=_preloading(config, printed))
        if index:
            chunks = _group_and_index(store, config)
        else:
            _group(store, config)
            chunks = 0
        own = grouping_of(store, report.added_ids, stories_before)  # not what a concurrent ingest added
        rechecked = _recheck_briefs(store, config, report.added_ids) if index else {}
    if not as_json:
        _print_ingest_summary(report.outcomes, config)
        _print_grouping(own, chunks)
        if rechecked:
            err.print(f"re-checked the briefs of {counted(len(rechecked), 'story', 'stories')} that new articles "
                      "joined (see `newsbrief changes STORY`)", soft_wrap=True)
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


def _recheck_briefs(store, config: Settings, added_ids: list[str]) -> dict[str, int]:
    """Living briefs: a briefed story that new articles joined is briefed again, its changes stored."""
    from pipeline.apps.briefing import refresh_briefs
    from store.groups import GroupStore

    return refresh_briefs(store, config, [r.story_id for r in GroupStore(store.db).rows_for(set(added_ids))])


def _preloading(config: Settings, then: Callable[[Outcome], None] | None) -> Callable[[Outcome], None]:
    """An on_outcome that, at the first outcome, starts loading the later stages' libraries and
    drops this process's extraction stoplist (the extraction workers have forked by then, with
    their own copies; see apps/preload.py), then calls ``then``."""
    from pipeline.apps import preload
    from pipeline.ingest.batch import release_extraction_stoplist

    started = []

    def on_outcome(outcome: Outcome) -> None:
        if not started:
            started.append(True)
            release_extraction_stoplist()
            preload.start(preload.grouping_libraries, partial(preload.embedder, config))
        if then:
            then(outcome)

    return on_outcome


def _extract_and_store(sources: list[str], store, config: Settings, on_outcome=None):
    from pipeline.ingest.batch import ingest as run_ingest
    from pipeline.ingest.sources import expand_sources

    with StageProgress(err, "extracting", len(expand_sources(sources))) as progress:
        return run_ingest(sources, store, config, on_unit_done=progress.advance, on_outcome=on_outcome)


def _group(store, config: Settings, on_original=None):
    """Duplicates, families and stories for every article not grouped yet."""
    from pipeline.grouping import group_pending

    with StageProgress(err, "grouping") as progress:
        report = group_pending(store, config, on_progress=progress.update, on_original=on_original)
    _return_freed_memory()
    return report


def _group_and_index(store, config: Settings) -> int:
    """Grouping, with the new originals indexed in a process of their own as deduplication finds
    them, so that the index is written on one core while grouping runs on the other (see
    pipeline/index/beside.py). Returns the number of chunks written."""
    from pipeline.errors import NewsbriefError
    from pipeline.index.beside import IndexingBeside

    beside = IndexingBeside(config, store.db.url)
    beside.start()
    _group(store, config, on_original=beside.add)
    with StageProgress(err, "indexing") as progress:
        try:
            written = beside.result(on_progress=progress.update)
        except NewsbriefError as exc:
            fail(str(exc))
    return written if written is not None else _index(store, config)  # it died: index here


def _return_freed_memory() -> None:
    """Grouping's fingerprints and similarity matrices are garbage now, but glibc keeps freed
    memory for reuse, so indexing would start from grouping's high-water mark. Handing it back
    lowered the peak of an ingest of 2,000 synthetic articles by some 70 MiB (one sampled run)."""
    import ctypes
    import gc

    gc.collect()
    libc = ctypes.CDLL(None)  # this process's own symbols, the C library's among them
    if hasattr(libc, "malloc_trim"):  # glibc only
        libc.malloc_trim(0)


def _index(store, config: Settings, rebuild: bool = False, vector_index=None) -> int:
    from pipeline.index import index_pending
    from pipeline.index.chroma import VectorIndex

    with StageProgress(err, "indexing") as progress:
        vector_index = vector_index or open_index(config)
        if rebuild:
            vector_index.client.delete_collection(vector_index.name)
            vector_index = VectorIndex(config, vector_index.embedder, vector_index.client)
        return index_pending(store, config, vector_index, on_progress=progress.update)


def _print_ingest_summary(outcomes: list[Outcome], config: Settings) -> None:
    from pipeline.apps.storage import store_location

    count = {status: sum(o.status == status for o in outcomes) for status in ("added", "unchanged", "failed", "skipped")}
    skipped = f", {count['skipped']} skipped" if count["skipped"] else ""
    out.print(f"[green]{count['added']} added[/], {count['unchanged']} already stored, [red]{count['failed']} failed[/]"
              f"{skipped}  (store: {store_location(config)})")
    not_read = [o for o in outcomes if o.status in ("failed", "skipped")]
    if not_read:
        out.print(_reasons_table("Skipped inputs", [(o.source, o.reason) for o in not_read]))
    for encoding in sorted({o.encoding for o in outcomes if o.encoding}):
        sources = [o.source for o in outcomes if o.encoding == encoding]
        out.print(f"read as {encoding}, not UTF-8: {', '.join(sources)}", markup=False, soft_wrap=True)


def _reasons_table(title: str, rows: list[tuple[str, str]]):
    """Inputs and their reasons. A reason wraps between words and is never cut, so that a setting
    it names (NEWSBRIEF_FETCH__ALLOW_PRIVATE_HOSTS=true) can be copied whole."""
    from rich.table import Table

    longest_word = max((len(word) for _, reason in rows for word in reason.split()), default=0)
    table = Table(title=title, title_justify="left")
    table.add_column("input", overflow="fold")
    table.add_column("reason", overflow="fold", min_width=min(longest_word, max(out.width - 20, 20)))
    for source, reason in rows:
        table.add_row(source, reason)
    return table


def _print_grouping(grouping, chunks: int) -> None:
    if grouping.grouped:
        out.print(f"grouped {counted(grouping.grouped, 'new article')}: {counted(grouping.duplicates, 'duplicate')}, "
                  f"{counted(grouping.new_stories, 'new story', 'new stories')}, "
                  f"{counted(grouping.stories_joined, 'existing story', 'existing stories')} joined "
                  "(see `newsbrief stories`)")
    if chunks:
        out.print(f"indexed {counted(chunks, 'chunk')} (search them with `newsbrief search`)")


@app.command()
def index(
    rebuild: Annotated[bool, typer.Option(help="Drop the collection and index everything again.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Index stored articles into the vector store (only those not indexed yet, unless --rebuild)."""
    config = settings()
    with open_store(config) as store:
        _group(store, config)
        chunks = _index(store, config, rebuild=rebuild)
    if as_json:
        print_json({"chunks": chunks, "rebuilt": rebuild})
    else:
        out.print(f"indexed {counted(chunks, 'chunk')}")


# --- listings -----------------------------------------------------------------------------------


@app.command()
def articles(as_json: JsonFlag = False, limit: Limit = None) -> None:
    """List stored articles, with their size in words, sentences and characters."""
    from rich.table import Table

    with open_store(settings()) as store:
        rows = store.list(limit)
    if as_json:
        print_json([a.model_dump(mode="json", exclude={"text"}) | _size(a) for a in rows])
        return
    table = Table(title=counted(len(rows), "article"), caption="size: words/sentences/characters")
    for name in ("id", "outlet", "title", "published", "lang", "size"):
        table.add_column(name, no_wrap=name not in ("outlet", "title"))  # the title takes the squeeze
    for a in rows:
        published = a.published.date().isoformat() if a.published else ""
        size = _size(a)
        table.add_row(a.id[:10], a.outlet or "", a.title or "", published, a.language or "",
                      f"{size['words']}/{size['sentences']}/{size['chars']}")
    out.print(table)


def _size(article: Article) -> dict:
    from pipeline.ingest.prose import article_length

    length = article_length(article)
    return {"words": length.words, "sentences": length.sentences, "chars": len(article.text)}


@stories_app.callback(invoke_without_command=True)
def stories(
    ctx: typer.Context,
    as_json: JsonFlag = False,
    limit: Annotated[Optional[int], typer.Option(min=1, help="Only the most recent this many.")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only stories with news since then: a date or time "
                                                 "(2025-02-11, 2025-02-11T08:00) or an age (12h, 7d, 2w).")] = None,
) -> None:
    """List stories with their articles, outlets and source families."""
    if ctx.invoked_subcommand:
        return
    from pipeline.grouping import list_stories

    config = settings()
    with open_store(config) as store:
        _group(store, config)  # finishes any run that was interrupted
        found = list_stories(store, since=_since(since), limit=limit)
    if as_json:
        print_json([_story_json(s) for s in found])
        return
    for story in found:
        _print_story(story)
    out.print(counted(len(found), "story", "stories"))


AGE_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


def _since(value: str | None) -> str | None:
    """An ISO date or time as it is, or an age (7d) as the UTC time that long ago."""
    import re
    from datetime import datetime, timedelta, timezone

    if value is None:
        return None
    if age := re.fullmatch(r"(\d+)\s*([hdw])", value.strip().lower()):
        then = datetime.now(timezone.utc) - timedelta(**{AGE_UNITS[age.group(2)]: int(age.group(1))})
        return then.strftime("%Y-%m-%dT%H:%M:%S")
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        fail(f"--since takes a date (2025-02-11), a time (2025-02-11T08:00) or an age (12h, 7d, 2w), not {value!r}")


def _story_json(story) -> dict:
    return {
        "id": story.id, "title": story.title, "outlets": story.outlets,
        "families": [
            {"id": f.id, "origin": f.origin, "origin_basis": f.origin_basis, "outlets": f.outlets,
             "articles": [{"id": a.id, "outlet": a.outlet, "title": a.title,
                           "published": a.published.isoformat() if a.published else None} for a in f.articles]}
            for f in story.families
        ],
    }


def _print_story(story) -> None:
    from rich.markup import escape
    from rich.tree import Tree

    tree = Tree(f"[bold]{escape(story.title or '(untitled)')}[/]  story {story.id[:10]} · "
                f"{counted(len(story.articles), 'article')} · "
                f"{counted(len(story.families), 'independent source')}")
    for family in story.families:
        origin = f"{family.origin or 'unknown outlet'} ({family.origin_basis})"
        branch = tree.add(escape(f"family {family.id[:10]} · from {origin}"))
        for article in family.articles:
            branch.add(escape(f"{article.id[:10]}  {article.outlet or '—'}  {article.title or ''}"))
    out.print(tree)


@app.command()
def show(article_id: Annotated[str, typer.Argument(help="Article id, or a unique prefix of it.")], as_json: JsonFlag = False) -> None:
    """Show one article: metadata and canonical text."""
    with open_store(settings()) as store:
        article = resolve_article(store, article_id)
        sightings = store.sightings(article.id)
    if as_json:
        print_json(article.model_dump(mode="json") | {"sightings": sightings})
    else:
        _print_article(article, also_from=[s["source"] for s in sightings[1:]])


def _print_article(article: Article, also_from: list[str] = ()) -> None:
    from rich.markup import escape
    from rich.panel import Panel

    fields = ["id", "outlet", "author", "published", "language", "url", "source", "credit"]
    lines = [f"[bold]{f}[/]: {escape(str(getattr(article, f)))}" for f in fields if getattr(article, f)]
    size = _size(article)
    lines.append(f"[bold]length[/]: {counted(size['words'], 'word')}, {counted(size['sentences'], 'sentence')}")
    lines += [f"[bold]same text also in[/]: {escape(source)}" for source in also_from]
    out.print(Panel("\n".join(lines), title=escape(article.title or "(untitled)"), title_align="left"))
    out.print(article.text, highlight=False, markup=False)


# --- removing -----------------------------------------------------------------------------------


@app.command()
def remove(
    article_ids: Annotated[list[str], typer.Argument(help="Article ids, or unique prefixes of them.")],
    as_json: JsonFlag = False,
) -> None:
    """Remove articles from the store and the index; what was grouped with them is grouped again."""
    config = settings()
    with open_store(config) as store:
        ids = list(dict.fromkeys(resolve_article(store, prefix).id for prefix in article_ids))
        removal = _remove(store, config, ids)
    _print_removal(removal, as_json)


@stories_app.command("remove")
def remove_story(story: StoryId, as_json: JsonFlag = False) -> None:
    """Remove a story: its articles and stored briefs go; what leaned on them is grouped again."""
    from pipeline.grouping import story_article_ids
    from store.briefs import BriefStore

    config = settings()
    with open_store(config) as store:
        story_id = resolve_story(store, config, story)
        removal = _remove(store, config, story_article_ids(store, story_id))
        BriefStore(store.db).forget_stories([story_id])
    _print_removal(removal, as_json)


@stories_app.command("merge")
def merge_stories(
    story: StoryId,
    other: Annotated[str, typer.Argument(help="The story whose articles join STORY (an id or a unique prefix).")],
    as_json: JsonFlag = False,
) -> None:
    """Merge OTHER into STORY, which keeps its id. The decision is stored: regrouping keeps it."""
    from pipeline.grouping import merge_stories as merge

    config = settings()
    with open_store(config) as store:
        story_id, other_id = resolve_story(store, config, story), resolve_story(store, config, other)
        decision = _decide(lambda: merge(store, story_id, other_id))
    if as_json:
        print_json({"story_id": story_id, "merged": other_id, "moved": decision.moved})
        return
    out.print(f"merged story {other_id[:10]} into story {story_id[:10]}: {counted(len(decision.moved), 'article')} "
              "moved (see `newsbrief stories`)")


@stories_app.command("move")
def move_to_story(
    article: Annotated[str, typer.Argument(help="The article to move (an id or a unique prefix).")],
    story: StoryId,
    as_json: JsonFlag = False,
) -> None:
    """Move an article, and the reprints of it, to STORY. The decision is stored: regrouping keeps it."""
    from pipeline.grouping import move_article

    config = settings()
    with open_store(config) as store:
        article_id = resolve_article(store, article).id
        story_id = resolve_story(store, config, story)
        decision = _decide(lambda: move_article(store, article_id, story_id))
    if as_json:
        print_json({"article_id": article_id, "story_id": story_id, "moved": decision.moved})
        return
    if not decision.moved:
        out.print(f"article {article_id[:10]} is in story {story_id[:10]} already; it stays there when regrouped")
        return
    reprints = len(decision.moved) - 1
    also = f" with {counted(reprints, 'reprint')} of it" if reprints else ""
    out.print(f"moved article {article_id[:10]}{also} to story {story_id[:10]} (see `newsbrief stories`)")


def _decide(make_decision):
    """Record an editor's story decision; an impossible one is a usage error. (The index keeps
    no story ids, so it has nothing to refresh.)"""
    from pipeline.grouping import StoryDecisionError

    try:
        return make_decision()
    except StoryDecisionError as exc:
        fail(str(exc))


def _remove(store, config: Settings, article_ids: list[str]):
    """Out of the store, regrouped, and out of the index (an article that was a duplicate of a removed
    one and is now an original is indexed)."""
    from pipeline.grouping import remove_articles

    vector_index = open_index(config)  # first: with the Chroma server down, nothing is removed
    with StageProgress(err, "regrouping") as progress:
        removal = remove_articles(store, config, article_ids, on_progress=progress.update)
    vector_index.remove(article_ids)
    _index(store, config, vector_index=vector_index)
    return removal


def _print_removal(removal, as_json: bool) -> None:
    if as_json:
        print_json({"removed": removal.removed, "regrouped": removal.regrouped})
        return
    line = f"removed {counted(len(removal.removed), 'article')} from the store and the index"
    if removal.regrouped:
        line += f"; grouped again {counted(len(removal.regrouped), 'article')} that were grouped with them"
    out.print(line)


# --- search, figures, verify --------------------------------------------------------------------


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    story: Annotated[Optional[str], typer.Option(help="Only this story's articles (a story id or prefix).")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many passages.")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """The passages nearest a query, with article, outlet, span and score."""
    from pipeline.index.chroma import with_passages
    from store.groups import GroupStore

    if not query.strip():
        fail('the query is empty: say what to look for, e.g. newsbrief search "Baidu shares fell"')
    config = settings()
    with open_store(config) as store:
        within = None
        if story:
            story_id = resolve_story(store, config, story)
            within = store.get_many([r.article_id for r in GroupStore(store.db).story_rows(story_id)])
        hits = open_index(config).search(query, k, within)
        hits = with_passages(hits, {a.id: a for a in store.get_many(list({h.article_id for h in hits}))})
    if as_json:
        print_json([{"chunk_id": h.chunk_id, "article_id": h.article_id, "outlet": h.outlet,
                     "start": h.start, "end": h.end, "score": h.score, "text": h.text} for h in hits])
        return
    _print_hits(hits)


def _print_hits(hits) -> None:
    from rich.table import Table

    table = Table("score", "article", "outlet", "span", "passage", title=counted(len(hits), "passage"))
    for hit in hits:
        table.add_row(f"{hit.score:.3f}", hit.article_id[:10], hit.outlet or "—",
                      f"{hit.start}-{hit.end}", hit.text)
    out.print(table)


@app.command()
def figures(story: StoryId, as_json: JsonFlag = False) -> None:
    """The story's figures, each checked against the other independent sources; conflicts first."""
    from pipeline.grouping import load_story
    from pipeline.verify.figure_check import VERDICT_ORDER, check_story_figures

    config = settings()
    with open_store(config) as store:
        found = load_story(store, resolve_story(store, config, story))
    verdicts = sorted(check_story_figures(found.families), key=lambda v: VERDICT_ORDER.index(v.verdict))
    if as_json:
        print_json([_figure_json(v) for v in verdicts])
    else:
        _print_figures(found, verdicts)


def _figure_json(verdict) -> dict:
    figure = verdict.figure
    return {
        "entity": figure.entity, "metric": figure.metric, "value": figure.value, "unit": figure.unit,
        "direction": figure.direction, "approximator": figure.approximator, "basis": figure.basis,
        "quote": figure.quote, "sentence": figure.sentence, "article_id": verdict.article_id,
        "start": figure.start, "end": figure.end, "family_id": verdict.family_id, "outlet": verdict.outlet,
        "verdict": verdict.verdict, "confirming_families": verdict.confirming_families, "reasons": verdict.reasons,
    }


def _print_figures(story, verdicts) -> None:
    from rich.table import Table

    from pipeline.verify.figure_check import describe

    colours = {"conflicting": "red", "different_basis": "yellow", "confirmed": "green", "single_source": "dim"}
    table = Table("verdict", "figure", "basis", "outlet", "family", title=f"Figures: {story.title}")
    for v in verdicts:
        table.add_row(f"[{colours[v.verdict]}]{v.verdict}[/]", describe(v.figure, with_basis=False), v.figure.basis or "",
                      v.outlet or "—", v.family_id[:10])
    out.print(table)


@app.command()
def verify(
    sources: Annotated[Optional[list[str]], typer.Argument(
        help="A story id (or prefix), or the articles to check the claim against.")] = None,
    claim: Annotated[Optional[str], typer.Option(help="The statement to check.")] = None,
    pairs: Annotated[Optional[Path], typer.Option(help="JSONL of {id, doc, claim}: each claim against its doc.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a claim against a story or sources, or a JSONL file of (doc, claim) pairs.

    With an LLM configured (NEWSBRIEF_LLM__MODEL), an LLM judges; else the deterministic verifier.
    """
    if pairs is None and not (claim and sources):
        fail("give --claim TEXT and a STORY id or one or more SOURCES, or --pairs FILE.jsonl")
    config = settings()
    judge = _judge(config)
    if pairs is not None:
        failed = _verify_pairs(pairs, config, judge)
    else:
        failed = _verify_claim(claim, sources, config, judge, as_json)
    _print_judge_summary(judge)
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


def _judge(config: Settings):
    """The LLM judge when an LLM is configured, else the deterministic one; says which on stderr."""
    from pipeline.verify.verifier import judge

    if not config.llm.model:
        from pipeline.verify.model import judged_by

        err.print(f"judge: {judged_by()} (set NEWSBRIEF_LLM__MODEL for the LLM judge)")
        return judge
    from pipeline.errors import NewsbriefError
    from pipeline.llm import cached_chat_model
    from pipeline.verify.llm_judge import make_llm_judge

    try:
        llm_judge = make_llm_judge(cached_chat_model(config), config)
    except NewsbriefError as exc:
        fail(str(exc))
    err.print(f"judge: {llm_judge.engine}; the deterministic verifier where it gives no usable reply")
    return llm_judge


def _engine(judge) -> dict:
    """Which engine judged: the LLM only when its reply decided, never when the deterministic judge stood in."""
    from pipeline.verify.llm_judge import PROMPT
    from pipeline.verify.model import model_id

    if getattr(judge, "decided", {}).get("llm"):
        return {"engine": "llm", "model": judge.model, "prompt_version": PROMPT}
    return {"engine": "deterministic", "model": model_id(), "prompt_version": None}


def _print_judge_summary(judge) -> None:
    if not hasattr(judge, "decided"):
        return
    calls, quotes = sum(judge.decided.values()), judge.quotes
    line = (f"judge: the LLM decided {judge.decided['llm']} of {calls} claims; {quotes['hallucinated']} of its "
            f"{quotes.total()} quotes were not in the sources")
    if quotes["too short"]:
        line += f" and {quotes['too short']} too short to show anything"
    if judge.failures:
        line += f"; no usable reply for {len(judge.failures)} (first: {judge.failures[0][:200]})"
    err.print(line, markup=False)


def _verify_claim(claim: str, sources: list[str], config: Settings, judge, as_json: bool) -> int:
    """One claim against a story or the sources; returns how many sources could not be read."""
    from pipeline.index.embed import get_embedder
    from pipeline.verify.verifier import verify_against_sources

    articles, families, failed = _claim_sources(sources, config)
    verdict = verify_against_sources(claim, articles, get_embedder(config.embedder, config), families=families,
                                     judge=judge)
    evidence = merged_evidence(verdict.evidence, articles)
    if as_json:
        print_json({"claim": claim, "verdict": verdict.verdict, "supported": verdict.supported, "score": verdict.score,
                    "reasons": verdict.reasons, "confirming_families": verdict.confirming_families, "evidence": [e.__dict__ for e in evidence[:5]]} | _engine(judge))
    else:
        from rich.markup import escape

        # reasons quote the model and the sources: a "[1]" in them is text, not markup
        out.print(f"[bold]{verdict.verdict}[/] (score {verdict.score:.2f}): " + escape("; ".join(verdict.reasons)))
        for item in evidence[:3]:
            where = escape(f"{item.outlet or item.article_id[:10]} [{item.start}-{item.end}]")
            out.print(f"  {where}: {escape(' '.join(item.quote.split()))}")
    return failed


def _claim_sources(sources: list[str], config: Settings):
    """(articles, their families or None, inputs that failed): a story's, when the one source is
    a story id that names no file or URL; else the sources read as `extract` reads them."""
    from pipeline.grouping import load_story
    from pipeline.ingest.batch import extract_results
    from pipeline.ingest.sources import expand_sources, is_url
    from pipeline.models import Article

    if len(sources) == 1 and not is_url(sources[0]) and not Path(sources[0]).exists():
        with open_store(config) as store:
            story = load_story(store, resolve_story(store, config, sources[0], also="file, URL or "))
        return [a for f in story.families for a in f.articles], story.families, 0
    results = [r for _, r in extract_results(expand_sources(sources), config)]
    for failed in (r for r in results if not isinstance(r, Article)):
        err.print(f"[red]skipped[/] {failed.source}: {failed.reason}")
    articles = [r for r in results if isinstance(r, Article)]
    return articles, None, len(results) - len(articles)


def merged_evidence(evidence: list, articles: list) -> list:
    """Evidence with the overlapping spans of one article merged into one (the verifier reads a
    sentence alone and with the next one: both are the same evidence), best first."""
    from dataclasses import replace

    texts = {a.id: a.text for a in articles}
    merged: list = []
    for item in sorted(evidence, key=lambda e: (e.article_id, e.start)):
        last = merged[-1] if merged else None
        if last and last.article_id == item.article_id and item.start < last.end:
            end = max(last.end, item.end)
            merged[-1] = replace(last, end=end, quote=texts[last.article_id][last.start:end],
                                 score=max(last.score, item.score))
        else:
            merged.append(item)
    return sorted(merged, key=lambda e: -e.score)


def _verify_pairs(path: Path, config: Settings, judge) -> int:
    """One JSON line out per row in: {id, verdict, supported, score, reasons}; returns how many rows failed."""
    from pipeline.index.embed import get_embedder
    from pipeline.verify.verifier import verify_pair

    embedder = get_embedder(config.embedder, config)
    failed = 0
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            result = verify_pair(row["claim"], row["doc"], embedder, judge=judge)
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            failed += 1
            err.print(f"[red]skipped[/] {path}:{number}: needs JSON with id, doc and claim ({exc})")
            continue
        print_json({"id": row.get("id", number), "verdict": result.verdict, "supported": result.supported,
                    "score": result.score, "reasons": result.reasons})
    return failed


# --- briefs -------------------------------------------------------------------------------------

BRIEF_FORMATS = ("md", "markdown", "html", "json", "slack")


@app.command()
def brief(
    inputs: Annotated[list[str], typer.Argument(help="A story id (or prefix), or sources to ingest and brief.")],
    format: Annotated[Optional[str], typer.Option(
        "--format", help="md (or markdown), html, json or slack (Block Kit messages); md unless --json.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the brief here instead of printing it.")] = None,
) -> None:
    """Write the brief of a story: key points with citations and verdicts, figures, sources.

    Each brief written is stored (see `newsbrief briefs`).
    """
    from pipeline.apps.briefing import write_stored_brief
    from pipeline.errors import NewsbriefError

    render = _brief_renderer(format, as_json)
    config = settings()
    with open_store(config) as store:
        story_id = _story_for(store, config, inputs)
        try:
            result, _ = write_stored_brief(store, config, story_id, open_index(config))
        except NewsbriefError as exc:
            fail(str(exc))
    if result.meta.note:  # the LLM was configured but did not write it: say so where a person looks
        err.print(f"warning: {result.meta.note}", markup=False, soft_wrap=True)
    text = render(result)
    if out_file:
        out_file.parent.mkdir(parents=True, exist_ok=True)  # "--out briefs/today.md" makes briefs/
        out_file.write_text(text)
        err.print(f"brief written to {out_file}")
    else:
        print(text)


def _brief_renderer(format: str | None, as_json: bool):
    from pipeline.brief.render import to_html, to_json, to_markdown, to_slack_messages

    if as_json and format not in (None, "json"):
        fail(f"--json asks for JSON, --format for {format!r}: give one of them")
    chosen = "json" if as_json else (format or "md").lower()
    renderers = {"md": to_markdown, "markdown": to_markdown, "html": to_html, "json": to_json,
                 "slack": lambda b: json.dumps(to_slack_messages(b), ensure_ascii=False, indent=2)}
    if chosen not in renderers:
        fail(f"--format must be one of {', '.join(BRIEF_FORMATS)}, not {format!r}")
    return renderers[chosen]


def _story_for(store, config: Settings, inputs: list[str]) -> str:
    """A story id prefix as it is; sources are ingested first, and briefed as one story: given
    together, they belong together, and grouping that split them is overruled (and told so)."""
    from pipeline.apps.briefing import inputs_story
    from store.groups import GroupStore

    groups = GroupStore(store.db)
    prefix = inputs[0] if len(inputs) == 1 and len(inputs[0]) >= ID_MIN_CHARS else None
    matches = [s for s in groups.story_ids() if s.startswith(prefix)] if prefix else []
    if len(matches) == 1:
        # A stored story's articles may be missing from the index: a new collection (another
        # embedder, chunking or row layout, as after an upgrade) starts empty, and the
        # verifier's evidence search would find nothing in it.
        _index(store, config)
        return matches[0]
    report = _extract_and_store(inputs, store, config)
    for outcome in report.outcomes:
        if outcome.status in ("failed", "skipped"):
            err.print(f"[red]skipped[/] {outcome.source}: {outcome.reason}", soft_wrap=True)
    _group(store, config)
    _index(store, config)
    ids = list(dict.fromkeys(o.article.id for o in report.outcomes if o.article))
    if not ids:
        fail("no article could be read from the inputs, and no story has that id")
    decision = inputs_story(store, ids)  # the same call as the API's jobs
    if decision.moved:
        err.print(f"note: grouping had split the inputs; they are briefed as one story, {decision.story_id[:10]}, "
                  f"and kept together ({counted(len(decision.moved), 'article')} moved into it; "
                  "`newsbrief stories move` undoes it)", soft_wrap=True)
    return decision.story_id


@app.command()
def briefs(
    story: Annotated[Optional[str], typer.Option(help="Only this story's briefs (a story id or prefix).")] = None,
    limit: Limit = None,
    as_json: JsonFlag = False,
) -> None:
    """List stored briefs, newest first: story, when, engine."""
    from dataclasses import asdict

    from rich.table import Table

    from store.briefs import BriefStore

    with open_store(settings()) as store:
        rows = BriefStore(store.db).list(story, limit)
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table("brief", "story", "written", "engine", "headline", title=counted(len(rows), "brief"))
    for row in rows:
        engine = f"{row.engine} ({row.model})" if row.model else row.engine
        table.add_row(str(row.id), row.story_id[:10], row.created_at[:19].replace("T", " "), engine, row.headline or "")
    out.print(table)


# --- extract, config ----------------------------------------------------------------------------


@app.command()
def extract(sources: Sources, as_json: JsonFlag = False) -> None:
    """Extract and clean exactly as ingest does, store nothing. With --jsonl, one JSON line per input."""
    from pipeline.ingest.batch import extract_documents
    from pipeline.ingest.sources import expand_inputs
    from pipeline.models import IngestFailure

    inputs = expand_inputs(sources)
    for skipped in inputs.skipped:
        _print_not_read(skipped, "skipped", as_json)
    failed = 0
    for _unit, item, result in extract_documents(inputs.units, settings()):
        if isinstance(result, IngestFailure):
            failed += 1
            _print_not_read(result, "failed", as_json)
        else:
            _print_extracted(result, getattr(item, "encoding", None), as_json)
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


def _print_not_read(failure, status: str, as_json: bool) -> None:
    if as_json:
        print_json({"source": failure.source, "status": status, "reason": failure.reason})
    err.print(f"[red]{status}[/] {failure.source}: {failure.reason}", soft_wrap=True)


def _print_extracted(article: Article, encoding: str | None, as_json: bool) -> None:
    if encoding:
        err.print(f"note: {article.source} read as {encoding}, not UTF-8", markup=False)
    if as_json:
        row = article.model_dump(mode="json", include={"source", "title", "outlet", "published", "words", "sentences",
                                                       "text"})
        print_json(row | ({"encoding": encoding} if encoding else {}))
    else:
        _print_article(article)


@app.command("config")
def show_config(as_json: JsonFlag = False) -> None:
    """The effective settings and where each comes from (argument, environment, file, default), secrets masked."""
    from rich.markup import escape
    from rich.table import Table

    from pipeline.settings import effective_settings, secrets_set

    config = settings()
    rows = effective_settings(config, arguments=set(_state.get("overrides", {})))
    where = config.settings_file
    if as_json:
        print_json({"settings_file": {"path": str(where), "found": where.is_file()},
                    "settings": [row.__dict__ for row in rows], "secrets": secrets_set()})
        return
    out.print(f"settings file: {where} ({'found' if where.is_file() else 'none'})", markup=False, soft_wrap=True)
    table = Table("setting", "value", "from", caption=escape("A setting's variable is NEWSBRIEF_ and its name in capitals, "
                  "with __ for the dot (llm.model: NEWSBRIEF_LLM__MODEL); in the file, [llm] model = ..."))
    for row in rows:
        table.add_row(row.name, json.dumps(row.value), row.origin)
    for name, value in secrets_set().items():
        table.add_row(name, value or "unset", "environment" if value else "")
    out.print(table)


# --- the server and its tokens ----------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it to this machine.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Serve the HTTP API and the editors' web page (one process: the jobs run in its threads).

    Requests need a token from `newsbrief tokens create NAME`. Logs are JSON lines on stderr.
    """
    import uvicorn

    from pipeline.apps.api import create_app
    from pipeline.apps.logs import configure_logging

    configure_logging(log_level)
    config = settings()
    err.print(f"newsbrief serving http://{host}:{port}/ (data: {config.data_dir})", markup=False, soft_wrap=True)
    uvicorn.run(create_app(config), host=host, port=port, log_config=None, log_level=log_level)


@app.command()
def slack(
    socket: Annotated[bool, typer.Option("--socket", help="Socket Mode: connect out to Slack (needs SLACK_APP_TOKEN).")] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run the Slack bot on its own in Socket Mode, for a team without a public URL.

    In HTTP mode it needs no command: `newsbrief serve` answers Slack at /slack/events. Tokens come from SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_APP_TOKEN; see the README's Slack section.
    """
    from pipeline.apps.logs import configure_logging
    from pipeline.apps.slack.config import MissingSlackSetting
    from pipeline.apps.slack.socket import run_socket_mode

    if not socket:
        fail("give --socket for Socket Mode; in HTTP mode `newsbrief serve` answers Slack at /slack/events")
    configure_logging(log_level)
    config = settings()
    try:
        err.print(f"newsbrief Slack bot in Socket Mode (data: {config.data_dir})", markup=False, soft_wrap=True)
        run_socket_mode(config)
    except MissingSlackSetting as exc:
        fail(str(exc))


@tokens_app.command("create")
def create_token(name: Annotated[str, typer.Argument(help="Who the token is for; the audit trail shows it.")],
                 as_json: JsonFlag = False) -> None:
    """Create a token and print it, once: only its hash is stored."""
    from store.tokens import TokenExists, TokenStore

    with open_store(settings()) as store:
        try:
            token = TokenStore(store.db).create(name)
        except TokenExists as exc:
            fail(str(exc))
    if as_json:
        print_json({"name": name, "token": token})
    else:
        print(token)
        err.print("the token is shown this once; send it as 'Authorization: Bearer TOKEN'")


@tokens_app.command("list")
def list_tokens(as_json: JsonFlag = False) -> None:
    """Tokens by name, when made, and when revoked (never the tokens themselves)."""
    from dataclasses import asdict

    from rich.table import Table

    from store.tokens import TokenStore

    with open_store(settings()) as store:
        rows = TokenStore(store.db).list()
    if as_json:
        print_json([asdict(r) for r in rows])
        return
    table = Table("name", "created", "revoked", title=counted(len(rows), "token"))
    for row in rows:
        table.add_row(row.name, row.created_at[:19].replace("T", " "), (row.revoked_at or "")[:19].replace("T", " "))
    out.print(table)


@tokens_app.command("revoke")
def revoke_token(name: Annotated[str, typer.Argument(help="The token's name.")]) -> None:
    """Revoke a token: requests with it get 401 from then on."""
    from store.tokens import TokenStore

    with open_store(settings()) as store:
        if not TokenStore(store.db).revoke(name):
            fail(f"no valid token named {name!r}; see `newsbrief tokens list`")
    err.print(f"revoked {name}")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="The revision to reach; 'head' is the newest.")] = "head") -> None:
    """Bring the store's schema up to date: once per deployment on PostgreSQL, before the API and the workers start (a SQLite file is upgraded whenever it is opened)."""
    from alembic.util import CommandError
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.apps.storage import store_location, store_url
    from store.database import current_revision, upgrade

    config = settings()
    try:
        upgrade(store_url(config), revision)
        err.print(f"{store_location(config)} is at revision {current_revision(store_url(config))}",
                  markup=False, soft_wrap=True)
    except (CommandError, OSError, SQLAlchemyError) as exc:
        fail(f"cannot upgrade the store at {store_location(config)}: {_first_line(exc)}")


@db_app.command("current")
def db_current() -> None:
    """The store's schema revision, and the newest this version knows."""
    from sqlalchemy.exc import SQLAlchemyError

    from pipeline.apps.storage import store_location, store_url
    from store.database import current_revision, head_revision

    config = settings()
    try:
        print(f"{current_revision(store_url(config)) or 'none'} (newest: {head_revision()})")
    except (OSError, SQLAlchemyError) as exc:
        fail(f"cannot read the store at {store_location(config)}: {_first_line(exc)}")


from pipeline.apps.digest.commands import register as _register_digest_commands  # noqa: E402

_register_digest_commands(app, sys.modules[__name__])  # digest, digests, changes, schedule, beat

from pipeline.apps.workers.commands import register as _register_worker_commands  # noqa: E402

_register_worker_commands(app, sys.modules[__name__])  # worker


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `newsbrief extract ... | head` closed the pipe
        sys.stderr.close()


if __name__ == "__main__":
    main()
