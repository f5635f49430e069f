"""The command line: parse arguments, call the library, render the result.

Exit codes: 0 on success, 1 when some inputs failed and the rest went through, 2 on a usage
error. Heavy libraries are imported inside the commands so that ``--help`` starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

if TYPE_CHECKING:
    from pipeline.ingest.batch import Outcome
    from pipeline.models import Article
    from pipeline.settings import Settings

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newsbrief: briefs of a news story across outlets, every claim cross-checked.",
)
out = Console()
err = Console(stderr=True)

EXIT_PARTIAL = 1
EXIT_USAGE = 2

JsonFlag = Annotated[bool, typer.Option("--json", "--jsonl", help="Print JSON instead of tables.")]
Sources = Annotated[list[str], typer.Argument(help="Files, folders, URLs, RSS/Atom feeds or JSONL files.")]

_state: dict = {}


@app.callback()
def _global(
    data_dir: Annotated[
        Optional[Path], typer.Option(help="Data directory; defaults to $NEWSBRIEF_DATA_DIR or a per-user folder.")
    ] = None,
) -> None:
    _state["data_dir"] = data_dir


def settings() -> Settings:
    from pydantic import ValidationError

    from pipeline.settings import Settings

    overrides = {"data_dir": _state["data_dir"]} if _state.get("data_dir") else {}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        err.print(f"[red]error:[/] bad NEWSBRIEF_* setting:\n{exc}")
        raise typer.Exit(EXIT_USAGE) from None


def open_store(config: Settings):
    import sqlite3

    from store.articles import ArticleStore

    try:
        return ArticleStore(config.db_path)
    except (OSError, sqlite3.Error) as exc:
        err.print(f"[red]error:[/] cannot open the article store at {config.db_path}: {exc}; "
                  "set NEWSBRIEF_DATA_DIR (or --data-dir) to a writable folder")
        raise typer.Exit(EXIT_USAGE) from None


def print_json(value) -> None:
    print(json.dumps(value, ensure_ascii=False, default=str))


def progress_bar(total: int, label: str):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn(f"[bold]{label}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err, transient=True, disable=total < 2 or not err.is_terminal,
    )
    return progress, progress.add_task(label, total=total)


@app.command()
def ingest(
    sources: Sources,
    as_json: JsonFlag = False,
    index: Annotated[bool, typer.Option("--index/--no-index", help="Index into the vector store as it goes.")] = True,
) -> None:
    """Read, clean, store, group and index articles. Running it twice changes nothing."""
    from pipeline.ingest.batch import ingest as run_ingest
    from pipeline.ingest.sources import expand_sources

    config = settings()
    total = len(expand_sources(sources))
    progress, task = progress_bar(total, "Ingesting")
    stream = print_json if as_json else None
    with open_store(config) as store:
        with progress:
            report = run_ingest(
                sources, store, config,
                on_unit_done=lambda _unit: progress.advance(task),
                on_outcome=(lambda o: stream(o.as_json())) if stream else None,
            )
        grouping = _group(store, config)
        chunks = _index(store, config, grouping.rows) if index else 0
    if not as_json:
        _print_ingest_summary(report.outcomes, config)
        if grouping.grouped:
            out.print(f"grouped {grouping.grouped} new articles: {grouping.duplicates} duplicates, "
                      f"{grouping.new_stories} new stories, {grouping.stories_joined} existing stories joined "
                      "(see `newsbrief stories`)")
        if chunks:
            out.print(f"indexed {chunks} chunks (search them with `newsbrief search`)")
    if report.failures:
        raise typer.Exit(EXIT_PARTIAL)


def _group(store, config: Settings):
    """Duplicates, families and stories for every article not grouped yet."""
    from pipeline.grouping import group_pending

    with err.status("Grouping into families and stories…"):
        return group_pending(store, config)


def _print_ingest_summary(outcomes: list[Outcome], config: Settings) -> None:
    from rich.table import Table

    added = sum(o.status == "added" for o in outcomes)
    unchanged = sum(o.status == "unchanged" for o in outcomes)
    failed = [o for o in outcomes if o.status == "failed"]
    out.print(f"[green]{added} added[/], {unchanged} already stored, [red]{len(failed)} failed[/]"
              f"  (store: {config.db_path})")
    if failed:
        table = Table("input", "reason", title="Skipped inputs", title_justify="left")
        for outcome in failed:
            table.add_row(outcome.source, outcome.reason)
        out.print(table)


@app.command()
def articles(
    as_json: JsonFlag = False,
    limit: Annotated[Optional[int], typer.Option(min=1, help="Show at most this many.")] = None,
) -> None:
    """List stored articles."""
    from rich.table import Table

    with open_store(settings()) as store:
        rows = store.list(limit)
    if as_json:
        print_json([a.model_dump(mode="json", exclude={"text"}) | {"chars": len(a.text)} for a in rows])
        return
    table = Table("id", "outlet", "title", "published", "lang", "words", title=f"{len(rows)} articles")
    for a in rows:
        published = a.published.date().isoformat() if a.published else ""
        table.add_row(a.id[:10], a.outlet or "", a.title or "", published, a.language or "", str(len(a.text.split())))
    out.print(table)


def open_index(config: Settings):
    """The vector index, or a one-line error (exit 2) saying how to fix the setting."""
    from pipeline.errors import NewsbriefError
    from pipeline.index.chroma import VectorIndex

    try:
        return VectorIndex(config)
    except NewsbriefError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None


def _index(store, config: Settings, changed_rows=(), rebuild: bool = False) -> int:
    from pipeline.index import index_pending
    from pipeline.index.chroma import VectorIndex

    with err.status("Indexing chunks…"):
        vector_index = open_index(config)
        if rebuild:
            vector_index.client.delete_collection(vector_index.name)
            vector_index = VectorIndex(config, vector_index.embedder, vector_index.client)
        return index_pending(store, config, vector_index, changed_rows)


@app.command()
def index(rebuild: Annotated[bool, typer.Option(help="Drop the collection and index everything again.")] = False) -> None:
    """Index stored articles into the vector store (only those not indexed yet, unless --rebuild)."""
    config = settings()
    with open_store(config) as store:
        _group(store, config)
        chunks = _index(store, config, rebuild=rebuild)
    out.print(f"indexed {chunks} chunks")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    story: Annotated[Optional[str], typer.Option(help="Only this story's articles (a story id or prefix).")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="How many passages.")] = 5,
    as_json: JsonFlag = False,
) -> None:
    """The passages nearest a query, with article, outlet, span and score."""
    from store.groups import GroupStore

    config = settings()
    with open_store(config) as store:
        article_ids = None
        if story:
            rows = [r for r in GroupStore(store.db).rows() if r.story_id.startswith(story)]
            if not rows:
                err.print(f"[red]error:[/] no story {story!r}; list them with `newsbrief stories`")
                raise typer.Exit(EXIT_PARTIAL)
            article_ids = [r.article_id for r in rows]
        hits = open_index(config).search(query, k, article_ids)
    if as_json:
        print_json([{"chunk_id": h.chunk_id, "article_id": h.article_id, "outlet": h.metadata.get("outlet"),
                     "start": h.start, "end": h.end, "score": h.score, "text": h.text} for h in hits])
        return
    _print_hits(hits)


def _print_hits(hits) -> None:
    from rich.table import Table

    table = Table("score", "article", "outlet", "span", "passage", title=f"{len(hits)} passages")
    for hit in hits:
        table.add_row(f"{hit.score:.3f}", hit.article_id[:10], hit.metadata.get("outlet", "—"),
                      f"{hit.start}-{hit.end}", hit.text)
    out.print(table)


@app.command()
def stories(as_json: JsonFlag = False) -> None:
    """List stories with their articles, outlets and source families."""
    from pipeline.grouping import list_stories

    config = settings()
    with open_store(config) as store:
        _group(store, config)  # finishes any run that was interrupted
        found = list_stories(store)
    if as_json:
        print_json([_story_json(s) for s in found])
        return
    for story in found:
        _print_story(story)
    out.print(f"{len(found)} stories")


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
    from rich.tree import Tree

    tree = Tree(f"[bold]{story.title or '(untitled)'}[/]  story {story.id[:10]} · {len(story.articles)} articles · "
                f"{len(story.families)} independent sources")
    for family in story.families:
        origin = f"{family.origin or 'unknown outlet'} ({family.origin_basis})"
        branch = tree.add(f"family {family.id[:10]} · from {origin}")
        for article in family.articles:
            branch.add(f"{article.id[:10]}  {article.outlet or '—'}  {article.title or ''}")
    out.print(tree)


@app.command()
def figures(
    story: Annotated[str, typer.Argument(help="A story id, or a unique prefix of it (see `newsbrief stories`).")],
    as_json: JsonFlag = False,
) -> None:
    """The story's figures, each checked against the other independent sources; conflicts first."""
    from pipeline.verify.figure_check import VERDICT_ORDER, check_story_figures
    from pipeline.grouping import load_story
    from store.groups import GroupStore

    config = settings()
    with open_store(config) as store:
        _group(store, config)
        matches = [s for s in GroupStore(store.db).story_ids() if s.startswith(story)]
        found = load_story(store, matches[0]) if len(matches) == 1 else None
    if found is None:
        err.print(f"[red]error:[/] {'no' if not matches else 'more than one'} story matches {story!r}; "
                  "list them with `newsbrief stories`")
        raise typer.Exit(EXIT_PARTIAL if not matches else EXIT_USAGE)
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
    sources: Annotated[Optional[list[str]], typer.Argument(help="Articles to check the claim against.")] = None,
    claim: Annotated[Optional[str], typer.Option(help="The statement to check.")] = None,
    pairs: Annotated[Optional[Path], typer.Option(help="JSONL of {id, doc, claim}: each claim against its doc.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Check a claim against independent sources, or a JSONL file of (doc, claim) pairs. With an
    LLM configured (NEWSBRIEF_LLM__MODEL), an LLM judges; else the deterministic verifier."""
    if pairs is None and not (claim and sources):
        err.print("[red]error:[/] give --claim TEXT and one or more SOURCES, or --pairs FILE.jsonl")
        raise typer.Exit(EXIT_USAGE)
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
        err.print("judge: the deterministic verifier (set NEWSBRIEF_LLM__MODEL for the LLM judge)")
        return judge
    from pipeline.errors import NewsbriefError
    from pipeline.verify.llm_judge import make_llm_judge
    from pipeline.llm import cached_chat_model

    try:
        llm_judge = make_llm_judge(cached_chat_model(config), config)
    except NewsbriefError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    err.print(f"judge: {llm_judge.engine}; the deterministic verifier where it gives no usable reply")
    return llm_judge


def _engine(judge) -> dict:
    """Which engine judged: the LLM only when its reply decided, never when the deterministic judge stood in."""
    from pipeline.verify.llm_judge import PROMPT

    if getattr(judge, "decided", {}).get("llm"):
        return {"engine": "llm", "model": judge.model, "prompt_version": PROMPT}
    return {"engine": "deterministic", "model": None, "prompt_version": None}


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
    """One claim against the sources; returns how many sources could not be read."""
    from pipeline.index.embed import get_embedder
    from pipeline.ingest.batch import extract_results
    from pipeline.models import Article
    from pipeline.ingest.sources import expand_sources
    from pipeline.verify.verifier import verify_against_sources

    results = [r for _, r in extract_results(expand_sources(sources), config)]
    articles = [r for r in results if isinstance(r, Article)]
    for failed in (r for r in results if not isinstance(r, Article)):
        err.print(f"[red]skipped[/] {failed.source}: {failed.reason}")
    verdict = verify_against_sources(claim, articles, get_embedder(config.embedder, config), judge=judge)
    if as_json:
        print_json({"claim": claim, "verdict": verdict.verdict, "supported": verdict.supported, "score": verdict.score,
                    "reasons": verdict.reasons, "evidence": [e.__dict__ for e in verdict.evidence[:5]]} | _engine(judge))
    else:
        from rich.markup import escape

        # reasons quote the model and the sources: a "[1]" in them is text, not markup
        out.print(f"[bold]{verdict.verdict}[/] (score {verdict.score:.2f}): " + escape("; ".join(verdict.reasons)))
        for evidence in verdict.evidence[:3]:
            where = escape(f"{evidence.outlet or evidence.article_id[:10]} [{evidence.start}-{evidence.end}]")
            out.print(f"  {where}: {escape(evidence.quote)}")
    return len(results) - len(articles)


def _verify_pairs(path: Path, config: Settings, judge) -> int:
    """One JSON line out per row in: {id, verdict, supported, score}; returns how many rows failed."""
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
                    "score": result.score})
    return failed


@app.command()
def brief(
    inputs: Annotated[list[str], typer.Argument(help="A story id (or prefix), or sources to ingest and brief.")],
    format: Annotated[str, typer.Option("--format", help="md, html, json or slack (Block Kit messages).")] = "md",
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the brief here instead of printing it.")] = None,
) -> None:
    """Write the brief of a story: key points with citations and verdicts, figures, sources."""
    from pipeline.brief.compose import write_brief
    from pipeline.index.embed import get_embedder
    from pipeline.errors import NewsbriefError
    from pipeline.grouping import load_story
    from pipeline.brief.render import to_html, to_json, to_markdown, to_slack_messages

    renderers = {"md": to_markdown, "html": to_html, "json": to_json,
                 "slack": lambda b: json.dumps(to_slack_messages(b), ensure_ascii=False, indent=2)}
    if format not in renderers:
        err.print(f"[red]error:[/] --format must be one of {', '.join(renderers)}, not {format!r}")
        raise typer.Exit(EXIT_USAGE)
    config = settings()
    with open_store(config) as store:
        story_id = _story_for(store, config, inputs)
        story = load_story(store, story_id)
        try:
            result = write_brief(story, config, get_embedder(config.embedder, config), open_index(config))
        except NewsbriefError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
    if result.meta.note:  # the LLM was configured but did not write it: say so where a person looks
        err.print(f"warning: {result.meta.note}", markup=False, soft_wrap=True)
    text = renderers[format](result)
    if out_file:
        out_file.write_text(text)
        err.print(f"brief written to {out_file}")
    else:
        print(text)


def _story_for(store, config: Settings, inputs: list[str]) -> str:
    """A story id prefix as it is; sources are ingested first, and their largest story is briefed."""
    from collections import Counter

    from pipeline.ingest.batch import ingest as run_ingest
    from store.groups import GroupStore

    groups = GroupStore(store.db)
    matches = [s for s in groups.story_ids() if len(inputs) == 1 and s.startswith(inputs[0])] if len(inputs[0]) >= 4 else []
    if len(matches) == 1:
        return matches[0]
    report = run_ingest(inputs, store, config)
    for failed in report.failures:
        err.print(f"[red]skipped[/] {failed.source}: {failed.reason}")
    changed = _group(store, config)
    _index(store, config, changed.rows)
    ids = {o.article.id for o in report.outcomes if o.article}
    if not ids:
        err.print("[red]error:[/] no article could be read from the inputs, and no story has that id")
        raise typer.Exit(EXIT_USAGE)
    stories = Counter(r.story_id for r in groups.rows() if r.article_id in ids)
    if len(stories) > 1:
        err.print(f"note: the inputs make {len(stories)} stories; briefing the largest (see `newsbrief stories`)")
    return stories.most_common(1)[0][0]


@app.command()
def show(article_id: Annotated[str, typer.Argument(help="Article id, or a unique prefix of it.")], as_json: JsonFlag = False) -> None:
    """Show one article: metadata and canonical text."""
    from store.articles import AmbiguousId

    with open_store(settings()) as store:
        try:
            article = store.get(article_id)
        except AmbiguousId as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(EXIT_USAGE) from None
        sightings = store.sightings(article.id) if article else []
    if len(article_id) < 4:
        err.print(f"[red]error:[/] give at least 4 characters of the id, not {article_id!r}")
        raise typer.Exit(EXIT_USAGE)
    if article is None:
        err.print(f"[red]error:[/] no article with id {article_id!r}; list them with `newsbrief articles`")
        raise typer.Exit(EXIT_PARTIAL)
    if as_json:
        print_json(article.model_dump(mode="json") | {"sightings": sightings})
    else:
        _print_article(article, also_from=[s["source"] for s in sightings[1:]])


def _print_article(article: Article, also_from: list[str] = ()) -> None:
    from rich.panel import Panel

    fields = ["id", "outlet", "author", "published", "language", "url", "source", "credit"]
    lines = [f"[bold]{f}[/]: {getattr(article, f)}" for f in fields if getattr(article, f)]
    lines += [f"[bold]same text also in[/]: {source}" for source in also_from]
    out.print(Panel("\n".join(lines), title=article.title or "(untitled)", title_align="left"))
    out.print(article.text, highlight=False, markup=False)


@app.command()
def extract(sources: Sources, as_json: JsonFlag = False) -> None:
    """Extract and clean exactly as ingest does, store nothing. With --jsonl, one JSON line per input."""
    from pipeline.ingest.batch import extract_results
    from pipeline.models import IngestFailure
    from pipeline.ingest.sources import expand_sources

    failed = 0
    for _unit, result in extract_results(expand_sources(sources), settings()):
        failed += isinstance(result, IngestFailure)
        _print_extracted(result, as_json)
    if failed:
        raise typer.Exit(EXIT_PARTIAL)


def _print_extracted(result, as_json: bool) -> None:
    from pipeline.models import IngestFailure

    if isinstance(result, IngestFailure):
        if as_json:
            print_json({"source": result.source, "status": "failed", "reason": result.reason})
        err.print(f"[red]skipped[/] {result.source}: {result.reason}")
        return
    if as_json:
        print_json(result.model_dump(mode="json", include={"source", "title", "outlet", "published", "text"}))
    else:
        _print_article(result)


def main() -> None:
    try:
        app()
    except BrokenPipeError:  # `newsbrief extract ... | head` closed the pipe
        sys.stderr.close()


if __name__ == "__main__":
    main()
