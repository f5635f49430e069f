"""`newsbrief worker`: a Celery worker for the tasks of pipeline.apps.workers.tasks.

Registered on the main Typer app by ``register(app, cli)``, like the digest commands.
"""

# No `from __future__ import annotations`: typer reads the annotations.

import socket
from typing import Annotated, Optional

import typer


def register(app: typer.Typer, cli) -> None:
    @app.command()
    def worker(
        queues: Annotated[str, typer.Option(help="The queues to take tasks from: ingest (fetching, cleaning), story "
                                            "(grouping, index writes: one at a time anyway), brief (briefs, digests).")]
        = "ingest,story,brief",
        concurrency: Annotated[int, typer.Option(min=1, help="Tasks run at once, each in a process of its own.")] = 1,
        name: Annotated[Optional[str], typer.Option(help="This worker's name; unset, worker-PID@HOST.")] = None,
        loglevel: Annotated[str, typer.Option(help="Celery's log level.")] = "INFO",
    ) -> None:
        """Run a worker for `digest --distributed`, `beat` and the API's jobs (NEWSBRIEF_CELERY__BROKER_URL).

        Every worker and the API share one article store and one Chroma server (NEWSBRIEF_CHROMA_URL).
        """
        import os

        from pipeline.apps.workers import tasks
        from pipeline.apps.workers.app import CeleryNotConfigured, configure

        settings = cli.settings()
        try:
            celery = configure(settings)
        except CeleryNotConfigured as exc:
            cli.fail(str(exc))
        if not settings.chroma_url:
            cli.fail("a worker needs NEWSBRIEF_CHROMA_URL: every worker writes to one Chroma server")
        tasks.use_settings(settings)
        # The prefork pool: the time limits are enforced by killing the child that overran.
        celery.worker_main(["worker", "--pool", "prefork", "--concurrency", str(concurrency), "--queues", queues,
                            "--hostname", name or f"worker-{os.getpid()}@{socket.gethostname()}",
                            "--loglevel", loglevel, "--without-gossip", "--without-mingle"])
