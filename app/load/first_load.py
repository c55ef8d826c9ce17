"""A first load: no report in the database yet, so verified batches go straight into the final
tables (Stager.write_directly) while the rest of the corpus is still being verified."""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import text

from app.db import acquire_load_lock
from app.load import tables
from app.load.corpus import last_load
from app.load.plan import REFERENCE_TABLES, plan
from app.load.runs import ABANDON_SQL, RUN_LOCK_CLASS, code_version, fail_run, start_run
from app.load.stream import Stager
from app.load.sync import SyncResult, merge_staged, stage
from app.settings import PROJECT_ROOT


class StoredChanged(Exception):
    """Another loader committed while this one verified: decide again from what it wrote."""


def has_reports(conn) -> bool:
    if conn.execute(text("SELECT to_regclass('reports') IS NULL")).scalar():
        return False
    return bool(conn.execute(text("SELECT EXISTS (SELECT 1 FROM reports)")).scalar())


@dataclass
class Direct:
    """A first load writing its batches into the final tables: its run, and the reference sync."""

    run_id: int
    in_transaction: bool  # the run's row (and the migration) are in the load's transaction
    reference: SyncResult
    seconds: float


def open_direct(engine, conn, wait, run: dict, before: int, ref, stager: Stager) -> Direct:
    """Before a first load verifies: its run, the load lock, the schema and the reference tables,
    then Stager.write_directly. On a database not yet migrated the migration and the run's row
    are made in the load's transaction, so bad files still leave not even the schema."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    head = ScriptDirectory.from_config(config).get_current_head() or ""
    at_head = MigrationContext.configure(conn).get_current_revision() == head
    run_id = (run["run_id"] or start_run(engine)) if at_head else 0
    try:
        acquire_load_lock(conn, wait)
        if not at_head:
            if MigrationContext.configure(conn).get_current_revision() != head:
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
            run_id = conn.execute(
                text("INSERT INTO load_runs (status, code_version) VALUES ('running', :v) RETURNING id"),
                {"v": code_version()},
            ).scalar_one()
            conn.execute(text(ABANDON_SQL), {"me": run_id, "cls": RUN_LOCK_CLASS})
        if last_load(conn) != before:
            raise StoredChanged
        began = time.perf_counter()
        staged = {}
        for spec, rows in plan(ref(), [], people=[], reference=True):
            if spec.table in REFERENCE_TABLES:
                staged[spec.table] = stage(conn, spec, rows)
        specs = [spec for spec in tables.ALL if spec.table in staged]
        reference = merge_staged(conn, specs, staged, run_id, {"dirty": []})
        stager.write_directly(run_id)
    except BaseException as exc:
        if at_head:
            run["run_id"] = run_id  # StoredChanged: the same run tries again
            if not isinstance(exc, StoredChanged):
                conn.rollback()
                fail_run(engine, run_id, f"{type(exc).__name__}: {exc}")
        raise
    return Direct(run_id, not at_head, reference, time.perf_counter() - began)
