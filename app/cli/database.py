"""The database for people and BI tools: serve, add-reader, sql, dictionary."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import click
import psycopg
from sqlalchemy.exc import DBAPIError

from app.cli.base import cli, engine_or_message, read_settings, refused
from app.db import (
    DatabaseError,
    make_engine,
    upgrade_schema,
)
from app.dictionary import DictionaryError, render_dictionary
from app.query import QueryRefused, as_csv, as_table, run_query
from app.readers import ReaderError, close_other_databases, ensure_reader, list_readers, reader_report
from app.scram import MIN_PASSWORD_LENGTH, password_problem
from app.serve import (
    DEFAULT_PORT,
    connection_details,
    serve_embedded,
    stop_on_sigterm,
    wait_until_interrupted,
)


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
    settings = read_settings()
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

    The password (at least 8 characters) comes from POVERTYDB_READER_PASSWORD, or a hidden
    prompt; never from the command line. The login is read-only by default, has a statement
    timeout and a connection limit, and gets new views through the povertydb_readers group.
    Run again, it also resets any setting the reader gave itself.

    Example: POVERTYDB_READER_PASSWORD=... povertydb add-reader metabase
    """
    # Out of the environment before any server starts: a child process would inherit it.
    password = os.environ.pop("POVERTYDB_READER_PASSWORD", None) or click.prompt(
        f"Password for {name} (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)
    settings = read_settings()
    with engine_or_message(settings) as engine:
        upgrade_schema(engine)
        try:
            created = ensure_reader(
                engine, name, password, statement_timeout=statement_timeout, connection_limit=connection_limit
            )
            if settings.database_url is None:  # the embedded server is ours: close the other databases
                close_other_databases(engine)
            notes = reader_report(engine, name)
        except ReaderError as exc:
            raise click.UsageError(str(exc)) from None
        except (psycopg.Error, DBAPIError) as exc:
            raise refused("the server refused", exc) from None
    click.echo(f"Reader {name} {'created' if created else 'updated'}: it can read the analytics schema only.")
    for line in notes:
        click.echo(line)


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
    """Run one query (SELECT, WITH, EXPLAIN, TABLE or VALUES) with a reader's rights, in a
    read-only transaction, and print the result. It cannot write: other statements, several
    statements, set_config(), DO blocks and large-object functions are refused.

    Example: povertydb sql "SELECT * FROM analytics.conflicts" --csv
    """
    if statement is None and sql_file is None:
        raise click.UsageError("give a query as an argument or with --file")
    if statement is not None and sql_file is not None:
        raise click.UsageError("give the query as an argument or with --file, not both")
    statement = statement if sql_file is None else sql_file.read()
    with engine_or_message(read_settings()) as engine:
        try:
            columns, rows = run_query(engine, statement, limit)
        except QueryRefused as exc:
            raise click.ClickException(str(exc)) from None
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

    It only reads (a reader's login is enough) and never migrates.

    Example: povertydb dictionary --output docs/data-dictionary.md
    """
    with engine_or_message(read_settings()) as engine:
        try:
            text_ = render_dictionary(engine)
        except DictionaryError as exc:
            raise click.ClickException(str(exc)) from None
        except (psycopg.Error, DBAPIError) as exc:
            raise refused("the server refused", exc) from None
    if output:
        output.write_text(text_, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text_, nl=False)
