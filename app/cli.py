"""Thin click commands over the library; user mistakes become messages and non-zero exits."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError

from app.db import (
    DatabaseError,
    LoadLocked,
    connection_lost,
    database_url,
    make_engine,
    open_engine,
    psql_argv,
    upgrade_schema,
)
from app.dictionary import render_dictionary
from app.load.seeds import Collected, LoadReport, SeedsError, collect, load_seeds
from app.query import as_csv, as_table, run_query
from app.readers import ReaderError, ensure_reader, list_readers
from app.serve import (
    DEFAULT_PORT,
    connection_details,
    serve_embedded,
    stop_on_sigterm,
    wait_until_interrupted,
)
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


def _refused(what: str, exc: Exception) -> click.ClickException:
    """A database error as a message: the driver's own words, without SQLAlchemy's wrapping."""
    return click.ClickException(f"{what}: {getattr(exc, 'orig', None) or exc}")


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
    except (psycopg.OperationalError, OperationalError) as exc:
        if (lost := connection_lost(exc)) is None:
            raise _refused("the database refused the load, nothing was written", exc) from None
        raise click.ClickException(f"{lost}; the load was rolled back, run load-seeds again") from None
    except (psycopg.Error, DBAPIError) as exc:
        raise _refused("the database refused the load, nothing was written", exc) from None
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
    settings = _settings()
    try:
        with database_url(settings) as url:
            code = subprocess.call([*psql_argv(url, embedded=not settings.database_url), *psql_args])
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    sys.exit(code)


def load_seeds_main() -> None:
    """Entry point of the `load-seeds` console script: `povertydb load-seeds`."""
    load_seeds_command(prog_name="load-seeds")


@cli.command("serve")
@click.option(
    "--port",
    type=click.IntRange(1024, 65535),
    default=DEFAULT_PORT,
    envvar="POVERTYDB_PORT",
    show_default=True,
    help="TCP port on 127.0.0.1 (or POVERTYDB_PORT).",
)
def serve_command(port: int) -> None:
    """Serve the embedded database on 127.0.0.1 for BI tools, until interrupted.

    Every TCP connection needs a password (scram-sha-256); create a reader with add-reader.
    Other povertydb commands (load-seeds, add-reader, sql) work while it runs.

    Example: povertydb serve --port 5433
    """
    settings = _settings()
    if settings.database_url:
        raise click.ClickException(
            "DATABASE_URL is set: that server is managed elsewhere, so connect BI tools to it directly. "
            "serve only runs the embedded server (unset DATABASE_URL to use it)."
        )
    stop_on_sigterm()
    try:
        with serve_embedded(settings.data_dir, port) as server:
            engine = make_engine(server.admin_url)
            head = upgrade_schema(engine)
            readers = list_readers(engine)
            with engine.connect() as conn:
                reports = conn.exec_driver_sql("SELECT count(*) FROM reports").scalar_one()
            engine.dispose()
            with contextlib.suppress(KeyboardInterrupt):  # a SIGTERM may come as soon as this is printed
                click.echo(connection_details(server, readers, reports, head))
                wait_until_interrupted()
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo("Stopped.")


@cli.command("add-reader")
@click.argument("name")
@click.option(
    "--statement-timeout", default="60s", show_default=True, help="Longest a reader's query may run."
)
@click.option("--connection-limit", type=click.IntRange(1, 1000), default=10, show_default=True)
def add_reader_command(name: str, statement_timeout: str, connection_limit: int) -> None:
    """Create or update a login that can read the analytics views and nothing else.

    The password comes from POVERTYDB_READER_PASSWORD, or a hidden prompt; never from the
    command line. The login is read-only by default, has a statement timeout and a
    connection limit, and gets new views through the povertydb_readers group.

    Example: POVERTYDB_READER_PASSWORD=... povertydb add-reader metabase
    """
    password = os.environ.get("POVERTYDB_READER_PASSWORD") or click.prompt(
        f"Password for {name}", hide_input=True, confirmation_prompt=True
    )
    with _engine(_settings()) as engine:
        upgrade_schema(engine)
        try:
            created = ensure_reader(
                engine, name, password, statement_timeout=statement_timeout, connection_limit=connection_limit
            )
        except ReaderError as exc:
            raise click.UsageError(str(exc)) from None
        except (psycopg.Error, DBAPIError) as exc:
            raise _refused("the server refused", exc) from None
    click.echo(f"Reader {name} {'created' if created else 'updated'}: it can read the analytics schema only.")


@cli.command("sql")
@click.argument("statement", required=False)
@click.option(
    "-f",
    "--file",
    "sql_file",
    type=click.File(encoding="utf-8"),
    help="Read the query from a file (- for stdin).",
)
@click.option("--csv", "as_csv_flag", is_flag=True, help="Print CSV instead of a table.")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many rows.")
def sql_command(statement: str | None, sql_file, as_csv_flag: bool, limit: int | None) -> None:
    """Run one query in a read-only transaction and print the result.

    Example: povertydb sql "SELECT * FROM analytics.conflicts" --csv
    """
    if (statement is None) == (sql_file is None):
        raise click.UsageError("give the query as an argument or with --file, not both")
    statement = statement if sql_file is None else sql_file.read()
    with _engine(_settings()) as engine:
        try:
            columns, rows = run_query(engine, statement, limit)
        except psycopg.Error as exc:
            raise click.ClickException(str(exc).strip()) from None
    if not columns:
        click.echo("(no rows returned)")
        return
    click.echo(as_csv(columns, rows) if as_csv_flag else as_table(columns, rows), nl=not as_csv_flag)


@cli.command("dictionary")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def dictionary_command(output: Path | None) -> None:
    """Write the data dictionary of the analytics schema, from the catalog's comments.

    Example: povertydb dictionary --output docs/data-dictionary.md
    """
    with _engine(_settings()) as engine:
        upgrade_schema(engine)
        text_ = render_dictionary(engine)
    if output:
        output.write_text(text_, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text_, nl=False)
