"""Thin click commands over the library; user mistakes become messages and non-zero exits."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

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
from app.dictionary import DictionaryError, render_dictionary
from app.load.seeds import Collected, LoadRefused, LoadReport, SeedsError, collect, load_seeds
from app.progress import for_stream
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


def _fail_seeds(exc: SeedsError, outcome: str = "") -> None:
    """Every problem, one line each naming its file; then what the command did (`outcome`)."""
    for error in exc.errors:
        for problem in error.problems:
            click.echo(f"{error.path}: {problem}", err=True)
    if isinstance(exc, LoadRefused):
        raise click.ClickException(f"{exc.reason}; no data was changed; run {exc.run_id} is logged as failed")
    raise click.ClickException(f"{len(exc.errors)} seed file(s) have problems{outcome}")


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
    loaded = report.total or len(report.collected.reports)
    lines.append(f"{verdict} Run {report.run_id}, {loaded} report(s), {report.seconds:.1f} s.")
    if report.change is not None:
        for what, slugs in (("Added", report.change.added), ("Changed", report.change.changed),
                            ("Removed", report.change.removed)):  # fmt: skip
            if slugs:
                more = f" and {len(slugs) - SUMMARY_NAMES} more" if len(slugs) > SUMMARY_NAMES else ""
                lines.append(f"{what} {len(slugs)} report(s): {', '.join(slugs[:SUMMARY_NAMES])}{more}")
    lines.extend(_unmapped(report.collected))
    return "\n".join(lines)


SUMMARY_NAMES = 10  # reports named per kind of change; the rest are counted


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
    settings = _settings()
    seeds = seeds_dir or settings.seeds_dir
    try:
        # A full load fails on bad files before starting a server; an incremental one must ask
        # the database first which articles it holds.
        collected = collect(seeds) if full else None
        with _engine(settings) as engine:
            report = load_seeds(
                engine, seeds, wait=not no_wait, collected=collected, workers=workers, progress=for_stream()
            )
    except SeedsError as exc:
        _fail_seeds(exc, "; nothing was written")
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
    settings = _settings()
    with _engine(settings) as engine:
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
            raise _refused("the server refused", exc) from None
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
    with _engine(_settings()) as engine:
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
    with _engine(_settings()) as engine:
        try:
            text_ = render_dictionary(engine)
        except DictionaryError as exc:
            raise click.ClickException(str(exc)) from None
        except (psycopg.Error, DBAPIError) as exc:
            raise _refused("the server refused", exc) from None
    if output:
        output.write_text(text_, encoding="utf-8")
        click.echo(f"Wrote {output}.")
    else:
        click.echo(text_, nl=False)


# --- Drafting: add-article and draft (issue 9) -------------------------------------------------


def _draft_inputs(page: Path) -> tuple[bytes, object]:
    from app.mapping.errors import MappingError
    from app.mapping.reference import read_reference

    try:
        data = page.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"{page}: cannot read: {exc.strerror or exc}") from None
    try:
        return data, read_reference(_settings().seeds_dir)
    except MappingError as exc:
        raise click.ClickException(f"{exc.path}: " + "; ".join(exc.problems)) from None


def _review_lines(draft) -> list[str]:
    m = draft.mapping
    kinds = [(k, len(m.get(k, []))) for k in ("figures", "funding", "statements", "left_out")]
    lines = ["Drafted: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in kinds) + "."]
    for fig in m.get("figures", []):
        lines.append(f"  figure {fig['key']}: {fig['indicator']} = {fig['value']} ({fig['confidence']})")
    for item in m.get("left_out", []):
        lines.append(f"  left out {item['quote']!r}: {item['reason']}")
    if draft.reviews:
        lines.append("Needs review:")
        lines += [f"  {r}" for r in draft.reviews]
    else:
        lines.append("Needs review: nothing flagged; still read every fact before marking it reviewed.")
    return lines


@cli.command("draft")
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address the page was saved from.")
@click.option("--published", default=None, help="Publication date the page does not print (2024-02-27).")
def draft_command(page: Path, url: str | None, published: str | None) -> None:
    """Print the drafted mapping of a text or saved HTML page; store nothing.

    Example: povertydb draft ~/pages/bac-kan.html
    """
    from app.draft.store import AddError, operator_date, prepare

    data, ref = _draft_inputs(page)
    try:
        _, draft, _ = prepare(data, ref, url=url, published=operator_date(published) if published else None)
    except AddError as exc:
        raise click.ClickException(f"{page}: {exc}") from None
    click.echo(draft.to_yaml(), nl=False)
    for line in _review_lines(draft):
        click.echo(line, err=True)


@cli.command("add-article")
@click.argument("page", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="Address the page was saved from.")
@click.option("--published", default=None, help="Publication date the page does not print (2024-02-27).")
def add_article_command(page: Path, url: str | None, published: str | None) -> None:
    """Store a text or saved HTML page under seeds/articles with a drafted, checked mapping.

    The text is stored as NNN_<first 16 hex of its SHA-256>.txt (UTF-8, NFC) and the draft
    beside it as .yaml, marked `reviewed: false`. Nothing is stored if the page is binary,
    empty, has no article, is not UTF-8 or a declared charset, or was added before.

    Example: povertydb add-article ~/pages/bac-kan.html --url https://example.vn/bac-kan.html
    """
    from app.draft.store import AddError, add_article, operator_date

    data, ref = _draft_inputs(page)
    try:
        added = add_article(
            data,
            _settings().seeds_dir / "articles",
            ref,
            url=url,
            published=operator_date(published) if published else None,
        )
    except AddError as exc:
        raise click.ClickException(f"{page}: {exc}") from None
    click.echo(f"Added {added.text_path} and {added.mapping_path.name}; the draft passes the checks.")
    for line in _review_lines(added.draft):
        click.echo(line)
    click.echo("Next: povertydb load-seeds, then review the mapping and set `reviewed: true`.")


class _ExportBar:
    """Export progress on stderr with click's progressbar (no extra dependency; it draws only on
    a terminal): one step per view, and the rows or megabytes of the view being written."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        self._stack, self._bar, self._drawn = stack, None, 0.0

    def started(self, views: list[str]) -> None:
        bar = click.progressbar(
            length=len(views),
            label="Exporting",
            file=sys.stderr,
            show_eta=False,
            show_percent=False,
            show_pos=True,
            item_show_func=lambda item: item,
        )
        self._bar = self._stack.enter_context(bar)

    def advanced(self, view: str, rows: int, nbytes: int) -> None:
        now = time.monotonic()
        if now - self._drawn >= 0.2:  # redraw a few times a second, not per block
            self._drawn = now
            # update(0, ...) would not redraw (click renders on whole steps only)
            done = f"{rows:,} rows" if rows >= 0 else f"{nbytes / 1e6:,.1f} MB"
            self._bar.current_item = f"{view}: {done}"
            self._bar.render_progress()

    def finished(self, written) -> None:
        self._bar.update(1, f"{written.view.name}: {written.rows:,} rows")


def _size(nbytes: int) -> str:
    return f"{nbytes / 1e6:,.1f} MB" if nbytes >= 1e6 else f"{nbytes / 1e3:,.1f} kB"


def _export_summary(written, target: Path) -> str:
    lines = [f"{'file':<28}{'rows':>12}{'size':>12}"]
    for w in written:
        lines.append(f"{w.path:<28}{w.rows:>12,}{_size(w.bytes):>12}")
    total = sum(w.rows for w in written)
    lines.append(
        f"Exported {len(written)} views ({total:,} rows) from one snapshot to {target}; "
        f"{target / 'datapackage.json'} describes them."
    )
    return "\n".join(lines)


@cli.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "parquet"]),
    default="csv",
    show_default=True,
    help="File format of the views.",
)
@click.option("--overwrite", is_flag=True, help="Replace an earlier export in DIRECTORY; other files stay.")
def export_command(directory: Path, fmt: str, overwrite: bool) -> None:
    """Write every analytics view to DIRECTORY, with a Frictionless datapackage.json.

    All views are read in one snapshot. The package gives each column's type and description
    (from the database comments) and each view's primary key; pandas, R and Frictionless tools
    load it as is. A non-empty DIRECTORY is refused unless --overwrite.

    Example: povertydb export ./povertydb-data --format parquet
    """
    from app.export import ExportError, export_views  # pyarrow loads only when exporting

    with _engine(_settings()) as engine, contextlib.ExitStack() as stack:
        try:
            written = export_views(engine, directory, fmt, overwrite, progress=_ExportBar(stack))
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"cannot write the export to {directory}: {exc}") from None
        except (psycopg.Error, DBAPIError) as exc:
            raise _refused("the database refused the export, nothing was written", exc) from None
    click.echo(_export_summary(written, directory))


@cli.command("browse")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1024, 65535), default=8765, show_default=True, help="TCP port.")
@click.option(
    "--allow-remote", is_flag=True, help="Allow a --host other than this machine (the viewer has no login)."
)
def browse_command(host: str, port: int, allow_remote: bool) -> None:
    """Browse the evidence in a local, read-only web viewer until interrupted.

    Reads only the analytics views, as the povertydb_readers group, in read-only transactions.
    Listens on 127.0.0.1 unless --allow-remote is given with another --host.

    Example: povertydb browse --port 8765
    """
    from app.web.serve import AccessError, is_local, run_viewer

    if not is_local(host) and not allow_remote:
        raise click.UsageError(
            f"refusing to listen on {host}: the viewer has no login, so anyone who can reach it reads the "
            "database. Use the default 127.0.0.1, or add --allow-remote if that is really meant."
        )
    with _engine(_settings()) as engine:
        try:
            run_viewer(engine, host, port, allow_remote=allow_remote, echo=click.echo)
        except (AccessError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo("Stopped.")
