"""Every analytics view to DIR in one consistent snapshot, with its datapackage.json.

One REPEATABLE READ READ ONLY transaction reads all views, so the files agree with each other
even while a load runs. Files are written to a hidden staging directory inside DIR and moved
into place only when all are complete: a failed export leaves DIR as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from app.export.catalog import View, list_views
from app.export.package import FORMATS, Written, descriptor
from app.export.writers import HashingFile, write_csv, write_parquet

PACKAGE = "datapackage.json"
WRITERS = {"csv": write_csv, "parquet": write_parquet}


class ExportError(ValueError):
    """The export cannot be made as asked; the message says why and what to do."""


class ExportProgress(Protocol):
    def started(self, views: list[str]) -> None: ...

    def advanced(self, view: str, rows: int, nbytes: int) -> None: ...

    def finished(self, written: Written) -> None: ...


class _Silent:
    def started(self, views: list[str]) -> None:
        pass

    def advanced(self, view: str, rows: int, nbytes: int) -> None:
        pass

    def finished(self, written: Written) -> None:
        pass


def export_views(
    engine: Engine,
    target: Path,
    fmt: str = "csv",
    overwrite: bool = False,
    progress: ExportProgress | None = None,
) -> list[Written]:
    """Write every analytics view to `target` as `fmt` files plus datapackage.json; return them."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use {' or '.join(FORMATS)}")
    previous = _check_target(target, overwrite)
    created_target = not target.exists()
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".povertydb-export-", dir=target))
    try:
        written, package = _write_snapshot(engine, staging, fmt, progress or _Silent())
        (staging / PACKAGE).write_text(
            json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        names = [w.path for w in written]
        for name in [*names, PACKAGE]:  # the package last: it names files that are all in place
            os.replace(staging / name, target / name)
        for stale in previous - {*names, PACKAGE}:
            (target / stale).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_target and not any(target.iterdir()):
            target.rmdir()
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return written


def _check_target(target: Path, overwrite: bool) -> set[str]:
    """Refuse a non-empty directory unless `overwrite`; then, the files of the export in it."""
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is a file; give a directory to export into")
    if not target.exists() or not any(target.iterdir()):
        return set()
    if not overwrite:
        raise ExportError(
            f"{target} is not empty; export into a new or empty directory, "
            "or pass --overwrite to replace an earlier export there (other files are left alone)"
        )
    try:
        package = json.loads((target / PACKAGE).read_text(encoding="utf-8"))
        paths = {r.get("path") for r in package.get("resources", [])}
    except (OSError, ValueError, AttributeError):
        return set()
    # Only plain file names of DIR: a package cannot make us delete anything elsewhere.
    return {p for p in paths if isinstance(p, str) and p == Path(p).name and not p.startswith(".")}


def _write_snapshot(
    engine: Engine, staging: Path, fmt: str, progress: ExportProgress
) -> tuple[list[Written], dict]:
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            # Output that does not depend on the server's or the session's settings.
            cur.execute("SET LOCAL DateStyle = 'ISO, YMD'")
            cur.execute("SET LOCAL IntervalStyle = 'iso_8601'")
            cur.execute("SET LOCAL TimeZone = 'UTC'")
            created = cur.execute("SELECT to_json(transaction_timestamp()) #>> '{}'").fetchone()[0]
            revision = _schema_revision(cur)
            views = list_views(cur)
        if not views:
            raise ExportError(
                "the database has no analytics views: run povertydb migrate (or load-seeds) first"
            )
        progress.started([v.name for v in views])
        written = [_write_view(conn, view, staging, fmt, progress) for view in views]
    finally:
        raw.rollback()
        raw.close()
    return written, descriptor(written, fmt, created, revision, version("povertydb"))


def _write_view(conn, view: View, staging: Path, fmt: str, progress: ExportProgress) -> Written:
    path = f"{view.name}.{fmt}"
    out = HashingFile(staging / path)
    try:
        rows = WRITERS[fmt](conn, view, out, lambda r, b: progress.advanced(view.name, r, b))
    finally:
        out.close()
    written = Written(view, path, rows, out.bytes, out.sha256.hexdigest())
    progress.finished(written)
    return written


def _schema_revision(cur) -> str | None:
    """The Alembic revision, when the connected role may read it (a reader may not)."""
    readable = cur.execute(
        "SELECT has_table_privilege(to_regclass('public.alembic_version'), 'SELECT')"
    ).fetchone()[0]
    if not readable:
        return None
    row = cur.execute("SELECT version_num FROM public.alembic_version").fetchone()
    return row[0] if row else None
