"""The command group and what every command shares: settings, the engine, messages for refusals."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click
from sqlalchemy import Engine

from app.db import (
    DatabaseError,
    open_engine,
)
from app.load.seeds import Collected, LoadRefused, LoadReport, SeedsError
from app.settings import Settings, SettingsError

SEEDS_OPTION = click.option(
    "--seeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Seeds directory (default: POVERTYDB_SEEDS_DIR or the project's seeds/).",
)


def read_settings() -> Settings:
    try:
        return Settings.from_env()
    except (SettingsError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None


@contextlib.contextmanager
def engine_or_message(settings: Settings) -> Iterator[Engine]:
    try:
        with open_engine(settings) as engine:
            yield engine
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None


def fail_seeds(exc: SeedsError, outcome: str = "") -> None:
    """Every problem, one line each naming its file; then what the command did (`outcome`)."""
    for error in exc.errors:
        for problem in error.problems:
            click.echo(f"{error.path}: {problem}", err=True)
    if isinstance(exc, LoadRefused):
        raise click.ClickException(f"{exc.reason}; no data was changed; run {exc.run_id} is logged as failed")
    raise click.ClickException(f"{len(exc.errors)} seed file(s) have problems{outcome}")


def refused(what: str, exc: Exception) -> click.ClickException:
    """A database error as a message: the driver's own words, without SQLAlchemy's wrapping."""
    return click.ClickException(f"{what}: {getattr(exc, 'orig', None) or exc}")


def load_summary(report: LoadReport) -> str:
    lines = [f"{'table':<20}{'inserted':>10}{'updated':>10}{'unchanged':>11}{'deleted':>9}"]
    for table, c in report.result.counts.items():
        lines.append(f"{table:<20}{c.inserted:>10}{c.updated:>10}{c.unchanged:>11}{c.deleted:>9}")
    verdict = (
        "Changes applied." if report.result.changed else "No changes: the database already matches the seeds."
    )
    loaded = report.total or len(report.collected.reports)
    lines.append(f"{verdict} Run {report.run_id}, {loaded} report(s), {report.seconds:.1f} s.")
    if report.change is not None:
        for what, slugs in (("Added", report.change.added), ("Changed", report.change.changed),
                            ("Removed", report.change.removed)):  # fmt: skip
            if slugs:
                more = f" and {len(slugs) - SUMMARY_NAMES} more" if len(slugs) > SUMMARY_NAMES else ""
                lines.append(f"{what} {len(slugs)} report(s): {', '.join(slugs[:SUMMARY_NAMES])}{more}")
    lines.extend(unmapped_lines(report.collected))
    return "\n".join(lines)


SUMMARY_NAMES = 10  # reports named per kind of change; the rest are counted


def unmapped_lines(collected: Collected) -> list[str]:
    return [f"Not loaded, no mapping yet: {path.name}" for path in collected.unmapped]


@click.group()
@click.version_option(package_name="povertydb")
def cli() -> None:
    """Vietnamese poverty-reduction figures and quotes, with exact provenance, in PostgreSQL.

    Without DATABASE_URL every command uses an embedded PostgreSQL kept in .povertydb/.

    Example: povertydb load-seeds
    """
