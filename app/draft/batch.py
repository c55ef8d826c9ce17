"""Drafting or adding many pages in one run, with the progress and change summary of load-seeds.

Each page is read, drafted and checked on its own: a bad page is reported with its reason and the
others go on (a page is never half-written: app/draft/store.py writes whole files). The report
names what was added, changed and skipped, up to a limit, then counts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from app.draft.store import AddError, add_article, prepare, write_whole
from app.reference.catalog import Reference

SUMMARY_NAMES = 10  # pages named per outcome; the rest are counted


class Progress(Protocol):
    """What app.progress shows (app.load.changes.Progress): phases, counts, the end."""

    def phase(self, name: str, total: int) -> None: ...

    def advance(self, n: int) -> None: ...

    def done(self) -> None: ...


@dataclass
class BatchReport:
    """What a run did to each page: names (files written, or pages) per outcome, and why it failed."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "page: reason"
    failed: list[str] = field(default_factory=list)  # "page: reason"

    def summary(self, limit: int = SUMMARY_NAMES) -> list[str]:
        total = len(self.added) + len(self.changed) + len(self.skipped) + len(self.failed)
        lines = [
            f"{total} page(s): {len(self.added)} added, {len(self.changed)} changed, "
            f"{len(self.skipped)} skipped, {len(self.failed)} failed."
        ]
        for what, names in (
            ("Added", self.added),
            ("Changed", self.changed),
            ("Skipped", self.skipped),
            ("Failed", self.failed),
        ):
            if names:
                more = f" and {len(names) - limit} more" if len(names) > limit else ""
                lines.append(f"{what} {len(names)}: {', '.join(names[:limit])}{more}")
        return lines


def _each(pages: list[Path], progress: Progress, phase: str, work: Callable[[Path, bytes], None], report):
    progress.phase(phase, len(pages))
    try:
        for path in pages:
            try:
                work(path, path.read_bytes())
            except OSError as exc:
                report.failed.append(f"{path}: cannot read: {exc.strerror or exc}")
            except AddError as exc:
                reason = str(exc)
                target = report.skipped if reason.startswith("page already added") else report.failed
                target.append(f"{path}: {reason}")
            progress.advance(1)
    finally:
        progress.done()
    return report


def add_many(
    pages: list[Path], articles_dir: Path, ref: Reference, progress: Progress, *, published: str | None = None
) -> BatchReport:
    """add-article over many pages: each stored with its draft, or skipped (added before) or failed."""
    report = BatchReport()

    def add(path: Path, data: bytes) -> None:
        added = add_article(data, articles_dir, ref, published=published)
        report.added.append(added.text_path.name)

    return _each(pages, progress, "add", add, report)


def draft_many(
    pages: list[Path], out_dir: Path, ref: Reference, progress: Progress, *, published: str | None = None
) -> BatchReport:
    """draft over many pages: each draft written to out_dir/<page stem>.yaml; a draft that is
    already there unchanged is skipped, a different one replaced (changed)."""
    report = BatchReport()
    out_dir.mkdir(parents=True, exist_ok=True)

    def draft(path: Path, data: bytes) -> None:
        _, drafted, _ = prepare(data, ref, published=published)
        target = out_dir / f"{path.stem}.yaml"
        text = drafted.to_yaml()
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old == text:
            report.skipped.append(f"{target.name}: unchanged")
            return
        write_whole(target, text)
        (report.added if old is None else report.changed).append(target.name)

    return _each(pages, progress, "draft", draft, report)
