"""Thin click commands over the library; user mistakes become messages and non-zero exits."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from app.db import DatabaseError, LoadLocked, database_url, open_engine, psql_argv, upgrade_schema
from app.load.seeds import Collected, LoadReport, SeedsError, collect, load_seeds
from app.settings import Settings, SettingsError

SEEDS_OPTION = click.option(
    "--seeds-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Seeds directory (default: POVERTYDB_SEEDS_DIR or the project's seeds/).",
)


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except (SettingsError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None


@contextlib.contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    try:
        with open_engine(settings) as engine:
            yield engine
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None


def _fail_seeds(exc: SeedsError) -> None:
    for error in exc.errors:
        for problem in error.problems:
            click.echo(f"{error.path}: {problem}", err=True)
    raise click.ClickException(f"{len(exc.errors)} seed file(s) have problems; nothing was written")


def _summary(report: LoadReport) -> str:
    lines = [f"{'table':<20}{'inserted':>10}{'updated':>10}{'unchanged':>11}{'deleted':>9}"]
    for table, c in report.result.counts.items():
        lines.append(f"{table:<20}{c.inserted:>10}{c.updated:>10}{c.unchanged:>11}{c.deleted:>9}")
    verdict = (
        "Changes applied." if report.result.changed else "No changes: the database already matches the seeds."
    )
    loaded = len(report.collected.reports)
    lines.append(f"{verdict} Run {report.run_id}, {loaded} report(s), {report.seconds:.1f} s.")
    lines.extend(_unmapped(report.collected))
    return "\n".join(lines)


def _unmapped(collected: Collected) -> list[str]:
    return [f"Not loaded, no mapping yet: {path.name}" for path in collected.unmapped]


@click.group()
@click.version_option(package_name="povertydb")
def cli() -> None:
    """Vietnamese poverty-reduction figures and quotes, with exact provenance, in PostgreSQL.

    Without DATABASE_URL every command uses an embedded PostgreSQL kept in .povertydb/.

    Example: povertydb load-seeds
    """


@cli.command("load-seeds")
@SEEDS_OPTION
@click.option("--no-wait", is_flag=True, help="Exit at once if another loader is running.")
def load_seeds_command(seeds_dir: Path | None, no_wait: bool) -> None:
    """Migrate the schema and load every seed article and its reference data.

    Verifies every mapping first; any problem is reported and nothing is written.
    Run twice, the second run changes nothing.

    Example: povertydb load-seeds --seeds-dir ./seeds
    """
    settings = _settings()
    seeds = seeds_dir or settings.seeds_dir
    try:
        collected = collect(seeds)  # fail on bad files before starting a server
        with _engine(settings) as engine:
            report = load_seeds(engine, seeds, wait=not no_wait, collected=collected)
    except SeedsError as exc:
        _fail_seeds(exc)
    except LoadLocked as exc:
        raise click.ClickException(str(exc)) from None
    except (psycopg.Error, DBAPIError) as exc:
        detail = getattr(exc, "orig", None) or exc
        raise click.ClickException(f"the database refused the load, nothing was written: {detail}") from None
    click.echo(_summary(report))


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
    seeds = seeds_dir or _settings().seeds_dir
    try:
        collected = collect(seeds)
    except SeedsError as exc:
        _fail_seeds(exc)
    reports = collected.reports
    facts = sum(len(r.observations) + len(r.funding) + len(r.statements) for r in reports)
    if show_coverage:
        for report in reports:
            click.echo(f"{report.report['source_file']} ({report.report['slug']}):")
            for c in report.coverage:
                click.echo(f"  {c.token.start:>6}  {c.token.text:<14} {c.status:<10} {c.by}")
    click.echo(f"OK: {len(reports)} report(s), {facts} fact(s), every span, value and number accounted for.")
    for line in _unmapped(collected):
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
    with _engine(_settings()) as engine:
        head = upgrade_schema(engine)
    click.echo(f"Schema at revision {head}.")


@cli.command("psql", context_settings={"ignore_unknown_options": True})
@click.argument("psql_args", nargs=-1, type=click.UNPROCESSED)
def psql_command(psql_args: tuple[str, ...]) -> None:
    """Open psql on the database (starting the embedded server if needed).

    Extra arguments go to psql.

    Example: povertydb psql -c "SELECT * FROM analytics.figures LIMIT 5"
    """
    try:
        with database_url(_settings()) as url:
            code = subprocess.call([*psql_argv(url), *psql_args])
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


def load_seeds_main() -> None:
    """Entry point of the `load-seeds` console script: `povertydb load-seeds`."""
    load_seeds_command(prog_name="load-seeds")
