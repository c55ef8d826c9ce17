"""When the database refuses rows that verification passed: name each by its file and fact."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from app.db import acquire_load_lock
from app.load.changes import SeedsError, changes
from app.load.files import Decision, read_stored
from app.load.parallel import verify_many
from app.load.plan import Collected, plan
from app.load.refusals import REFUSALS, describe, driver_error, find_refused, locate
from app.mapping.verify import VerifiedReport
from app.reference.catalog import Reference
from app.reference.errors import MappingError


class LoadRefused(SeedsError):
    """The database refused rows that verification passed: each named by its file and fact.

    The load's transaction was rolled back (no data changed); its run `run_id` is logged as failed.
    """

    def __init__(self, errors: list[MappingError], run_id: int, reason: str):
        self.run_id, self.reason = run_id, reason
        super().__init__(errors)
        if not errors:
            self.args = (reason,)


def explain_refusal(
    engine: Engine, seeds_dir: Path, run: dict, decision, run_id: int, exc: BaseException, workers
) -> LoadRefused | None:
    """A LoadRefused naming the file and fact of every row the database refused; None when
    `exc` is no refusal of rows (a lost connection, an interrupt...). See app/load/refusals.py.

    The load kept no rows of the reports it read (they were streamed into its stages): they are
    verified again here, in memory: a refusal is rare and its diagnosis may take the time."""
    error = driver_error(exc)
    if not isinstance(error, REFUSALS):
        return None
    table = error.diag.table_name or "?"
    reason = f"the database refused a row of table {table}: {error.diag.message_primary}"
    known = run["known"]
    paths = list(decision.read)
    fresh = verify_many([p for p in paths if p.name not in known], seeds_dir, run["ref"], workers)
    reports = [known.get(p.name) or next(fresh) for p in paths]
    collected = Collected(run["ref"](), [r for r in reports if isinstance(r, VerifiedReport)], [])
    try:
        with engine.connect() as conn:
            replay = conn.begin()
            try:
                acquire_load_lock(conn, wait=True)
                stored, db_slugs = read_stored(conn)
                kept = {s.mapping_file: s for s in stored.values()}
                decision = Decision(
                    kept={n: s for n, s in kept.items() if n not in {r.path.name for r in collected.reports}}
                )
                ref = collected.ref if isinstance(collected.ref, Reference) else collected.ref()
                change = changes(conn, lambda: ref, decision, collected.reports, db_slugs)
                steps = plan(ref, collected.reports, change.clean, change.people)
                refused = find_refused(conn, steps, run_id, {"dirty": change.dirty}, table)
            finally:
                replay.rollback()  # a diagnosis only: it never keeps a row
    except Exception:  # the replay is a diagnosis; when it cannot run, the reason is still known
        refused = []
    by_file: dict[Path, list[str]] = {}
    for r in refused:
        path, fact = locate(r, collected.reports, seeds_dir)
        by_file.setdefault(path, []).append(f"{fact}: {describe(r)}")
    if refused:
        reason = f"the database refused {len(refused)} row(s) of table {table} that verification passed"
    return LoadRefused([MappingError(p, problems) for p, problems in by_file.items()], run_id, reason)
