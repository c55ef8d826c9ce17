"""The load_runs log: a run is recorded before it starts; a run whose loader died is found and
marked 'abandoned' by the next run."""

from __future__ import annotations

import contextlib
import hashlib
import json
from functools import cache

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

import app
from app.settings import PROJECT_ROOT


@cache
def code_version() -> str:
    """Package version plus a digest of the code and migrations that shape the rows."""
    digest = hashlib.sha256()
    for path in sorted(
        [*PROJECT_ROOT.joinpath("app").rglob("*.py"), *PROJECT_ROOT.joinpath("migrations").rglob("*.py")]
    ):
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return f"{app.__version__}+{digest.hexdigest()[:12]}"


# A loader holds the session advisory lock (RUN_LOCK_CLASS, run id) while its run is 'running'.
# PostgreSQL drops it with the session, so a 'running' row whose lock is free belongs to a
# loader that died (killed, or its server crashed): the next run marks it 'abandoned'.
RUN_LOCK_CLASS = int.from_bytes(hashlib.sha256(b"povertydb.load_run").digest()[:4], "big", signed=True)
# The connection holding each live run's lock, from start_run until finish_run or fail_run.
_run_sessions: dict[int, Connection] = {}

ABANDON_SQL = """
UPDATE load_runs r SET status = 'abandoned', finished_at = now(),
       message = 'the loader stopped before it finished (killed, or its connection or server was lost);'
                 || ' found by run ' || :me || '; nothing of it was committed'
 WHERE r.status = 'running' AND r.id <> :me
   AND NOT EXISTS (
       SELECT 1 FROM pg_locks l
        WHERE l.locktype = 'advisory' AND l.granted
          AND l.classid::bigint = (CAST(:cls AS bigint) & 4294967295)
          AND l.objid::bigint = r.id AND l.objsubid = 2
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()))
"""


def start_run(engine: Engine) -> int:
    """Insert a 'running' row, locked by its own session for as long as the run lives, and mark
    the runs of dead loaders 'abandoned'; return the new run's id.

    The row and its lock commit together, so no other run can see the row unlocked.
    """
    session = engine.connect()
    try:
        with session.begin():
            run_id = session.execute(
                text("INSERT INTO load_runs (status, code_version) VALUES ('running', :v) RETURNING id"),
                {"v": code_version()},
            ).scalar_one()
            lock = text("SELECT pg_advisory_lock(:cls, CAST(:id AS integer))")
            session.execute(lock, {"cls": RUN_LOCK_CLASS, "id": run_id})
            session.execute(text(ABANDON_SQL), {"me": run_id, "cls": RUN_LOCK_CLASS})
    except BaseException:
        session.invalidate()  # a session lock outlives a rollback: never give it back to the pool
        session.close()
        raise
    _run_sessions[run_id] = session
    return run_id


def _end_session(run_id: int) -> None:
    """Close the run's lock session; invalidated, so the pool never reuses a session holding a lock."""
    session = _run_sessions.pop(run_id, None)
    if session is not None:
        with contextlib.suppress(Exception):
            session.invalidate()
        with contextlib.suppress(Exception):
            session.close()


def finish_run(conn: Connection, run_id: int, counts: dict) -> None:
    """Mark the run succeeded inside the loading transaction, so both commit together.

    Its lock goes now: until the commit, the row stays locked by the loading transaction, and a
    run that would mark it abandoned waits for that commit and then sees it succeeded.
    """
    conn.execute(
        text(
            "UPDATE load_runs SET status = 'succeeded', finished_at = clock_timestamp(),"
            " counts = CAST(:c AS jsonb) WHERE id = :id"
        ),
        {"c": json.dumps(counts), "id": run_id},
    )
    _end_session(run_id)


def fail_run(engine: Engine, run_id: int, message: str) -> None:
    """Mark the run failed; when the server is gone, leave it 'running' for the next run to
    mark abandoned, and keep the caller's error as the one that counts."""
    try:
        with engine.begin() as conn:
            failed = (
                "UPDATE load_runs SET status = 'failed', finished_at = now(), message = :m WHERE id = :id"
            )
            conn.execute(text(failed), {"m": message[:4000], "id": run_id})
    except OperationalError:
        pass
    finally:
        _end_session(run_id)
