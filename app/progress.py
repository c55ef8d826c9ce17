"""How a long load shows its progress: a rich bar on a terminal, a log line every few seconds off one.

rich (Textualize, actively kept, already installed with our dependencies) draws bars with counts,
rate and time left, and degrades cleanly; off a terminal a bar would only fill logs with escapes.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from app.load.changes import Progress


class LogProgress(Progress):
    """A line at most every `every` seconds, `verify 1200/20000 (310/s)`, and the last one of a
    phase that took that long: a load of a few seconds prints nothing but its summary."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0):
        self.stream, self.every = stream or sys.stderr, every
        self.name, self.total, self.count, self.began = "", 0, 0, 0.0
        self.last = time.monotonic()

    def phase(self, name: str, total: int) -> None:
        self._line(final=True)
        self.name, self.total, self.count = name, total, 0
        self.began = time.monotonic()

    def advance(self, n: int) -> None:
        self.count += n
        if time.monotonic() - self.last >= self.every:
            self._line()

    def _line(self, final: bool = False) -> None:
        if not self.name or (final and self.total == 0) or time.monotonic() - self.last < self.every:
            return
        seconds = max(time.monotonic() - self.began, 1e-9)
        print(
            f"{self.name} {self.count}/{self.total} ({self.count / seconds:.0f}/s)",
            file=self.stream,
            flush=True,
        )
        self.last = time.monotonic()

    def done(self) -> None:
        self._line(final=True)
        self.name = ""


class BarProgress(Progress):
    """A rich progress bar per phase, on stderr."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        self.bar = RichProgress(
            TextColumn("{task.description:<7}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[progress.data.speed]{task.fields[rate]}"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = None
        self.began = 0.0

    def phase(self, name: str, total: int) -> None:
        if self.task is None:
            self.bar.start()
        self.task = self.bar.add_task(name, total=max(total, 1), rate="")
        self.began = time.monotonic()
        if total == 0:
            self.bar.update(self.task, completed=1)

    def advance(self, n: int) -> None:
        if self.task is not None:
            done = self.bar.tasks[-1].completed + n
            rate = done / max(time.monotonic() - self.began, 1e-9)
            self.bar.update(self.task, advance=n, rate=f"{rate:.0f}/s")

    def done(self) -> None:
        self.bar.stop()


def for_stream(stream: TextIO | None = None) -> Progress:
    """A bar on a terminal (stderr by default), log lines elsewhere."""
    stream = stream or sys.stderr
    return BarProgress() if stream.isatty() else LogProgress(stream)
