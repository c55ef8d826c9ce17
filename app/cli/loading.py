"""Loading and checking the seeds: load-seeds, check, migrate, psql."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import psycopg
from sqlalchemy.exc import DBAPIError

from app.cli.base import (
    SEEDS_OPTION,
    cli,
    engine_or_message,
    fail_seeds,
    load_summary,
    read_settings,
    unmapped_lines,
)
from app.db import (
    DatabaseError,
    LoadLocked,
    connection_lost,
    database_url,
    psql_argv,
    upgrade_schema,
)
from app.load.seeds import SeedsError, collect, load_seeds
from app.progress import for_stream


@cli.command("load-seeds")
@SEEDS_OPTION
@click.option("--no-wait", is_flag=True, help="Exit at once if another loader is running.")
@click.option("--full", is_flag=True, help="Re-read and verify every article, changed or not.")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Processes that verify articles (default: POVERTYDB_WORKERS or every core).",
)
def load_seeds_command(seeds_dir: Path | None, no_wait: bool, full: bool, workers: int | None) -> None:
    """Migrate the schema and load every seed article and its reference data.

    Verifies every new or changed mapping first; any problem is reported and nothing is written.
    Articles whose text and mapping did not change since the last load are not read again
    (--full reads them all). Run twice, the second run changes nothing.

    Example: povertydb load-seeds --seeds-dir ./seeds
    """
    settings = read_settings()
    seeds = seeds_dir or settings.seeds_dir
    try:
        # --full streams every article through the worker pool like any load (bounded memory);
        # bad files are still all reported and nothing is written.
        with engine_or_message(settings) as engine:
            report = load_seeds(
                engine, seeds, wait=not no_wait, full=full, workers=workers, progress=for_stream()
            )
    except SeedsError as exc:
        fail_seeds(exc, "; nothing was written")
    except LoadLocked as exc:
        raise click.ClickException(str(exc)) from None
    except (psycopg.Error, DBAPIError) as exc:
        if lost := connection_lost(exc):
            raise click.ClickException(f"{lost}; the load was rolled back, run load-seeds again") from None
        error = getattr(exc, "orig", None) or exc
        primary = getattr(getattr(error, "diag", None), "message_primary", None) or str(error)
        raise click.ClickException(
            f"the database refused the load: {primary}; no data was changed"
            " (a run that had started is logged as failed in load_runs)"
        ) from None
    click.echo(load_summary(report))
    _write_timings(report)


def _write_timings(report) -> None:
    """POVERTYDB_TIMINGS names a file for the run's seconds by part, as JSON (scripts/bench_scale.py)."""
    target = os.environ.get("POVERTYDB_TIMINGS")
    if target:
        Path(target).write_text(json.dumps(report.timings), encoding="utf-8")


@cli.command("check")
@SEEDS_OPTION
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="List every number of each body and what accounts for it.",
)
def check_command(seeds_dir: Path | None, show_coverage: bool) -> None:
    """Verify every mapping against its article without touching a database.

    Checks spans, values and references, and that every quantity of each body is mapped to a
    row or left out with a reason.

    Example: povertydb check --coverage
    """
    seeds = seeds_dir or read_settings().seeds_dir
    try:
        collected = collect(seeds)
    except SeedsError as exc:
        fail_seeds(exc)
    reports = collected.reports
    facts = sum(len(r.observations) + len(r.funding) + len(r.statements) for r in reports)
    if show_coverage:
        for report in reports:
            click.echo(f"{report.report['source_file']} ({report.report['slug']}):")
            for c in report.coverage:
                click.echo(f"  {c.token.start:>6}  {c.token.text:<14} {c.status:<10} {c.by}")
    click.echo(f"OK: {len(reports)} report(s), {facts} fact(s), every span, value and number accounted for.")
    for line in unmapped_lines(collected):
        click.echo(line)
    gazetteer = collected.ref.gazetteer
    click.echo(f"Gazetteer: {len(gazetteer.units)} units, {len(gazetteer.successions)} successions.")
    for note in gazetteer.notes:
        click.echo(f"  note: {note}")


@cli.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to the latest revision (alembic upgrade head).

    Example: DATABASE_URL=postgresql://me@localhost/poverty povertydb migrate
    """
    with engine_or_message(read_settings()) as engine:
        head = upgrade_schema(engine)
    click.echo(f"Schema at revision {head}.")


@cli.command("psql", context_settings={"ignore_unknown_options": True})
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
def psql_command(psql_args: tuple[str, ...]) -> None:
    """Open psql on the database (starting the embedded server if needed).

    Extra arguments go to psql.

    Example: povertydb psql -c "SELECT * FROM analytics.figures LIMIT 5"
    """
    settings = read_settings()
    try:
        with database_url(settings) as url:
            code = subprocess.call([*psql_argv(url, embedded=not settings.database_url), *psql_args])
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)
