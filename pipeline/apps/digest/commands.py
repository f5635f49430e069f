"""The CLI's digest commands: digest, digests, changes, schedule, beat.

``register(app, cli)`` adds them to the main Typer app; ``cli`` is the CLI module itself, whose
helpers (settings, the store, fail, JSON output) they share. Heavy imports stay inside the commands.
"""

# No `from __future__ import annotations`: typer reads the annotations, and they name `cli`.

from pathlib import Path
from typing import Annotated, Optional

import typer

FORMATS = ("md", "markdown", "html", "json")
FeedsFile = Annotated[Path, typer.Option("--feeds", help="The digest's feeds.yaml (see examples/feeds.yaml).")]
# `schedule` and `beat` take the same options.
ScheduledFeeds = Annotated[list[Path], typer.Option("--feeds", help="A feeds.yaml with a `schedule:` line; repeat for more.")]
OutDir = Annotated[Optional[Path], typer.Option(help="Write each run's Markdown and HTML here.")]
EmailEach = Annotated[bool, typer.Option("--email", help="E-mail each run to its `email.to`.")]
Runs = Annotated[Optional[int], typer.Option(min=1, help="Stop after this many runs (default: run for ever).")]


def register(app: typer.Typer, cli) -> None:
    def load(feeds: Path):
        from pipeline.apps.digest.config import DigestConfigError, load_digest_config

        try:
            return load_digest_config(feeds)
        except DigestConfigError as exc:
            cli.fail(str(exc))

    def renderer(format: str | None, as_json: bool):
        from pipeline.apps.digest.render import RENDERERS

        chosen = "json" if as_json else (format or "md").lower()
        if chosen not in RENDERERS or (as_json and format not in (None, "json")):
            cli.fail(f"--format must be one of {', '.join(FORMATS)} (or --json), not {format!r}")
        return RENDERERS[chosen]

    def emit(text: str, out_file: Path | None) -> None:
        if out_file:
            out_file.write_text(text)
            cli.err.print(f"digest written to {out_file}", markup=False)
        else:
            print(text)

    @app.command()
    def digest(
        feeds: FeedsFile,
        since: Annotated[Optional[str], typer.Option(help="Stories with news in this window: an age (24h, 7d) or an "
                                                     "ISO date; the file's `since` (24h) unless given.")] = None,
        top: Annotated[Optional[int], typer.Option(min=1, help="Stories briefed and shown; the file's `top` unless given.")] = None,
        format: Annotated[Optional[str], typer.Option("--format", help="md (default), html or json.")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="The same as --format json.")] = False,
        out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the digest here instead of printing it.")] = None,
        email: Annotated[bool, typer.Option("--email", help="E-mail it to the file's `email.to` (NEWSBRIEF_SMTP__*).")] = False,
        slack: Annotated[Optional[str], typer.Option("--slack", metavar="CHANNEL",
                                                     help="Post it to this Slack channel (SLACK_BOT_TOKEN).")] = None,
        distributed: Annotated[bool, typer.Option("--distributed", help="Fan the work out to the `newsbrief worker`s "
                                                  "(NEWSBRIEF_CELERY__BROKER_URL, NEWSBRIEF_CHROMA_URL) and wait.")] = False,
    ) -> None:
        """Pull the feeds, brief (or update) the top stories, and print what is new or changed since the last run of this digest.

        Each digest is stored (see `newsbrief digests`).
        """
        render = renderer(format, as_json)
        config = load(feeds)
        if since is not None:
            try:
                config = type(config).model_validate(config.model_dump() | {"since": since})  # checked as the file's
            except ValueError:
                cli.fail(f"--since takes an age (24h, 7d, 2w) or an ISO date, not {since!r}")
        problems = run_and_deliver(config, cli.settings(), None, top, email, render, out_file, slack, distributed)
        if problems:
            raise typer.Exit(cli.EXIT_PARTIAL)

    def run_and_deliver(config, settings, since, top, email, render, out_file, slack=None, distributed=False) -> int:
        """Run one digest, write it out, e-mail it; the count of what failed (log lines, recipients)."""
        from pipeline.apps.digest.run import run_digest
        from pipeline.errors import NewsbriefError

        cli.open_store(settings).close()  # a data directory that cannot be written is a usage error
        if slack:
            slack_token_or_fail()  # before the run: a digest that cannot be posted is not stored as sent
        if distributed:
            from pipeline.apps.workers.distributed import run_digest_distributed as run_digest
        try:
            result = run_digest(config, settings, since=since, top=top,
                                on_stage=lambda s: cli.err.print(f"{config.name}: {s}", markup=False))
        except NewsbriefError as exc:  # no broker, no Chroma server, a task failed or timed out
            cli.fail(str(exc), cli.EXIT_PARTIAL if distributed else cli.EXIT_USAGE)
        for line in result.log:
            cli.err.print(f"not read: {line.source}: {line.reason}", markup=False, soft_wrap=True)
        emit(render(result), out_file)
        summary = "nothing new" if result.nothing_new else f"{len(result.moved())} new or changed"
        cli.err.print(f"digest #{result.id} stored: {len(result.stories)} stories, {summary}", markup=False)
        return len(result.log) + (send(result, config, settings) if email else 0) + (
            post(result, slack, settings) if slack else 0)

    def slack_token_or_fail() -> None:
        from pipeline.apps.slack.config import MissingSlackSetting, required

        try:
            required("SLACK_BOT_TOKEN")
        except MissingSlackSetting as exc:
            cli.fail(f"not posted to Slack: {exc}")

    def post(result, channel: str, settings) -> int:
        from pipeline.apps.digest.deliver.slack import slack_digest

        deliveries = slack_digest(result, channel, settings)
        for d in deliveries:
            cli.err.print(f"Slack {d.recipient}: {'posted' if d.ok else 'failed: ' + d.reason}", markup=False)
        return sum(not d.ok for d in deliveries)

    def send(result, config, settings) -> int:
        from pipeline.apps.digest.deliver.email import EmailError, email_digest

        try:
            deliveries = email_digest(result, config, settings)
        except EmailError as exc:
            cli.err.print(f"e-mail not sent: {exc}", markup=False, soft_wrap=True)
            return 1
        if result.nothing_new:
            cli.err.print("nothing new: no e-mail sent", markup=False)
        for d in deliveries:
            cli.err.print(f"e-mail to {d.recipient}: {'sent' if d.ok else 'failed: ' + d.reason}", markup=False)
        return sum(not d.ok for d in deliveries)

    @app.command()
    def digests(
        digest_id: Annotated[Optional[int], typer.Argument(help="A digest's number: show it again.")] = None,
        name: Annotated[Optional[str], typer.Option(help="Only this digest's runs.")] = None,
        format: Annotated[Optional[str], typer.Option("--format", help="md (default), html or json, with an id.")] = None,
        as_json: cli.JsonFlag = False,
        limit: cli.Limit = None,
    ) -> None:
        """List stored digests, newest first; with an id, that digest as it went out."""
        from dataclasses import asdict

        from store.digests import DigestStore

        with cli.open_store(cli.settings()) as store:
            digests_ = DigestStore(store.db)
            if digest_id is not None:
                return show_digest(digests_.document(digest_id), digest_id, format, as_json)
            rows = digests_.list(name, limit)
        if as_json:
            cli.print_json([asdict(r) for r in rows])
            return
        from rich.table import Table

        table = Table("digest", "name", "run", "stories", "", title=cli.counted(len(rows), "digest"))
        for r in rows:
            table.add_row(str(r.id), r.name, r.created_at[:19].replace("T", " "), str(r.stories),
                          "nothing new" if r.nothing_new else "")
        cli.out.print(table)

    def show_digest(document: str | None, digest_id: int, format: str | None, as_json: bool) -> None:
        from pipeline.apps.digest.model import Digest

        if document is None:
            cli.fail(f"no digest #{digest_id}; list them with `newsbrief digests`")
        print(renderer(format, as_json)(Digest.model_validate_json(document)))

    @app.command()
    def changes(
        story: cli.StoryId,
        since: Annotated[Optional[str], typer.Option(help="Only changes since then: a date, a time or an age (24h, 7d).")] = None,
        as_json: cli.JsonFlag = False,
    ) -> None:
        """What changed in a story's brief from one version to the next: conflicts, corrections, confirmations, new and withdrawn points, new sources."""
        from dataclasses import asdict

        from store.briefs import BriefStore

        config = cli.settings()
        with cli.open_store(config) as store:
            story_id = cli.resolve_story(store, config, story)
            rows = BriefStore(store.db).changes(story_id, since=cli._since(since))
        if as_json:
            cli.print_json([asdict(r) for r in rows])
            return
        for row in rows:
            print(f"{row.created_at[:19].replace('T', ' ')}  brief {row.previous} → {row.brief_id}  {row.kind:<12}  {row.text}")
        cli.err.print(cli.counted(len(rows), "change"), markup=False)

    @app.command()
    def schedule(
        feeds: ScheduledFeeds, out_dir: OutDir = None, email: EmailEach = False, runs: Runs = None,
    ) -> None:
        """Run the digests on their crontab lines, in this one process.

        A digest missed while it was down runs once at start, not once per missed slot.
        """
        run_schedule(feeds, out_dir, email, runs, distributed=False)

    def run_schedule(feeds: list[Path], out_dir: Path | None, email: bool, runs: int | None, distributed: bool) -> None:
        """Run the digests at their slots in this process, in-process or fanned out to the workers."""
        from pipeline.apps.digest.render import to_html, to_markdown
        from pipeline.apps.digest.schedule import Scheduled, Scheduler, utc
        from store.digests import DigestStore

        configs = [load(path) for path in feeds]
        if unscheduled := [c.name for c in configs if not c.schedule]:
            cli.fail(f"no `schedule:` crontab line in {', '.join(unscheduled)}")
        settings = cli.settings()
        with cli.open_store(settings) as store:
            entries = [Scheduled(c, utc(last.created_at) if (last := DigestStore(store.db).last(c.name)) else None)
                       for c in configs]

        def run(config) -> None:
            target = out_dir / f"{config.name.replace('/', '-')}.md" if out_dir else None
            if out_dir:
                out_dir.mkdir(parents=True, exist_ok=True)
            run_and_deliver(config, settings, None, None, email, to_markdown, target, distributed=distributed)
            if target:
                target.with_suffix(".html").write_text(to_html(_last_digest(settings, config.name)))

        cli.err.print(f"scheduling {', '.join(f'{c.name} ({c.schedule})' for c in configs)}", markup=False)
        Scheduler(entries, run, max_runs=runs).start()

    @app.command()
    def beat(
        feeds: ScheduledFeeds, out_dir: OutDir = None, email: EmailEach = False, runs: Runs = None,
    ) -> None:
        """Run the scheduled digests on the workers (`digest --distributed` at each slot); exactly one beat may run.

        Needs NEWSBRIEF_CELERY__BROKER_URL and NEWSBRIEF_CHROMA_URL, like the workers.
        """
        from pipeline.apps.workers.coordination import only_beat
        from pipeline.errors import NewsbriefError

        settings = cli.settings()
        if not settings.celery.broker_url:
            cli.fail("`newsbrief beat` needs NEWSBRIEF_CELERY__BROKER_URL; `newsbrief schedule` runs digests in-process")
        try:
            with only_beat(settings):
                run_schedule(feeds, out_dir, email, runs, distributed=True)
        except NewsbriefError as exc:
            cli.fail(str(exc))

    def _last_digest(settings, name: str):
        from pipeline.apps.digest.model import Digest
        from store.digests import DigestStore

        with cli.open_store(settings) as store:
            digests_ = DigestStore(store.db)
            return Digest.model_validate_json(digests_.document(digests_.last(name).id))
