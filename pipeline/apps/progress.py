"""Progress of the stages that take seconds (extraction, grouping, indexing), on stderr.

On a terminal, a rich bar that goes away when the stage ends. Elsewhere (a log, CI, a pipe), a
plain line every few seconds, so that a long batch is seen to be alive and a stalled one to be
stalled. Nothing goes to stdout: ``--json`` output stays pure JSON.
"""

from __future__ import annotations

import time

from rich.console import Console

PLAIN_EVERY_S = 5.0  # between two plain lines; a stage quicker than this prints none


class StageProgress:
    """A context manager: ``update(step, done, total)`` as the stage goes, e.g. from a callback."""

    def __init__(self, console: Console, label: str, total: int = 0):
        self.console = console
        self.label = label
        self.step, self.done, self.total = "", 0, total
        self.started = self.last_line = time.monotonic()
        self.lines = 0
        self.bar = None

    def __enter__(self) -> StageProgress:
        if self.console.is_terminal:
            self.bar = _bar(self.console)
            self.task = self.bar.add_task(self.label, total=self.total or None)
            self.bar.start()
        return self

    def __exit__(self, exc_type, *_exc) -> None:
        if self.bar is not None:
            self.bar.stop()
        elif self.lines and exc_type is None:
            self._line(finished=True)  # a stage that said it was running says it is done

    def update(self, step: str, done: int, total: int) -> None:
        self.step, self.done, self.total = step, done, total
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total or None, description=self._name())
        elif time.monotonic() - self.last_line >= PLAIN_EVERY_S:
            self._line()

    def advance(self, *_ignored) -> None:
        """One more item of ``total`` done (ingest calls this once per input)."""
        self.update(self.step, self.done + 1, self.total)

    def _name(self) -> str:
        return f"{self.label} ({self.step})" if self.step else self.label

    def _line(self, finished: bool = False) -> None:
        now = time.monotonic()
        counts = f"{self.done}/{self.total}" if self.total else str(self.done)
        state = "done in" if finished else "after"
        self.console.print(f"{self._name()}: {counts} {state} {now - self.started:.0f} s",
                           markup=False, highlight=False, soft_wrap=True)
        self.last_line = now
        self.lines += 1


def _bar(console: Console):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console, transient=True)
