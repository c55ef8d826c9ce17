"""Taking the data out and looking at it: export and browse."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path

import click
import psycopg
from sqlalchemy.exc import DBAPIError

from app.cli.base import cli, engine_or_message, read_settings, refused


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

    with engine_or_message(read_settings()) as engine, contextlib.ExitStack() as stack:
        try:
            written = export_views(engine, directory, fmt, overwrite, progress=_ExportBar(stack))
        except ExportError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"cannot write the export to {directory}: {exc}") from None
        except (psycopg.Error, DBAPIError) as exc:
            raise refused("the database refused the export, nothing was written", exc) from None
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
    with engine_or_message(read_settings()) as engine:
        try:
            run_viewer(engine, host, port, allow_remote=allow_remote, echo=click.echo)
        except (AccessError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
    click.echo("Stopped.")
