"""SIGKILL of a loader at several moments: the database holds the state before or after, never a
mix; the dead run is marked 'abandoned' by the next one, which recovers. Runs on any server."""

from __future__ import annotations

import shutil
import signal

import psycopg
from sqlalchemy import text

from app.db import LOAD_LOCK_KEY, upgrade_schema
from app.load.runs import _run_sessions, fail_run, start_run
from app.load.seeds import load_seeds
from tests.conftest import SEEDS, table_snapshot
from tests.faults import DEADLINE, command_env, povertydb, wait_for


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _waiting(conn: psycopg.Connection, app: str, event: str) -> bool:
    """A session of the command named `app` waits on a lock of kind `event` (advisory, relation)."""
    return bool(
        conn.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = %s"
            " AND wait_event_type = 'Lock' AND wait_event = %s",
            (app, event),
        ).fetchone()
    )


def _gone(conn: psycopg.Connection, app: str) -> bool:
    return not conn.execute("SELECT 1 FROM pg_stat_activity WHERE application_name = %s", (app,)).fetchone()


def _kill(proc) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=DEADLINE)
    proc.stdout.close()
    proc.stderr.close()


def _alive(engine, backend_pid: int) -> bool:
    with engine.connect() as conn:  # a new transaction: pg_stat_activity is a per-transaction snapshot
        query = text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid")
        return conn.execute(query, {"pid": backend_pid}).first() is not None


def _runs(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT id, status, message FROM load_runs ORDER BY id")).all()


def _counts(engine) -> dict[str, int]:
    return {t: len(rows) for t, rows in table_snapshot(engine).items() if t != "sequences"}


def _without_sequences(snapshot: dict) -> dict:
    """A killed transaction may have drawn sequence values; the rows are what must not change."""
    return {t: rows for t, rows in snapshot.items() if t != "sequences"}


def _kill_while_waiting_for_the_load_lock(db_url: str) -> int:
    """Start a loader, kill it once it waits for the load lock; return the public tables left."""
    env = command_env(DATABASE_URL=db_url)
    with psycopg.connect(_libpq(db_url), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (LOAD_LOCK_KEY,))
        loader = povertydb("load-seeds", env=env)
        wait_for(lambda: _waiting(holder, env["PGAPPNAME"], "advisory"), "the loader to wait for the lock")
        _kill(loader)
        # Its session waits on, until it gets the lock and finds its client gone.
        holder.execute("SELECT pg_advisory_unlock(%s)", (LOAD_LOCK_KEY,))
        wait_for(lambda: _gone(holder, env["PGAPPNAME"]), "the killed loader's sessions to end")
        return holder.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]


def test_a_loader_killed_before_loading_leaves_nothing_and_the_next_run_recovers(db_url, engine):
    # Killed in its migration (a fresh database): one transaction, so not a single table remains.
    assert _kill_while_waiting_for_the_load_lock(db_url) == 0
    upgrade_schema(engine)
    # Killed after recording its run: the schema, and one 'running' row, nothing else.
    assert _kill_while_waiting_for_the_load_lock(db_url) > 0
    assert [r.status for r in _runs(engine)] == ["running"]
    assert sum(_counts(engine).values()) == 0
    report = load_seeds(engine, SEEDS)
    assert report.result.changed
    assert [(r.id, r.status) for r in _runs(engine)] == [
        (report.run_id - 1, "abandoned"),
        (report.run_id, "succeeded"),
    ]


def test_a_loader_killed_mid_load_leaves_the_state_before_and_is_marked_abandoned(
    db_url, engine, seeds_copy, loaded_engine
):
    # Before: four of the five articles loaded.
    for path in (seeds_copy / "articles").glob("004_*"):
        path.unlink()
    load_seeds(engine, seeds_copy)
    before = _without_sequences(table_snapshot(engine))
    shutil.copytree(SEEDS / "articles", seeds_copy / "articles", dirs_exist_ok=True)

    env = command_env(DATABASE_URL=db_url)
    with psycopg.connect(_libpq(db_url)) as holder:
        # The loader writes regions, reports, people and figures, then waits here, mid-transaction.
        holder.execute("LOCK TABLE statements IN ACCESS EXCLUSIVE MODE")
        loader = povertydb("load-seeds", "--seeds-dir", str(seeds_copy), env=env)
        with psycopg.connect(_libpq(db_url), autocommit=True) as observer:
            wait_for(
                lambda: _waiting(observer, env["PGAPPNAME"], "relation"), "the loader to reach statements"
            )
            _kill(loader)
            holder.rollback()
            wait_for(lambda: _gone(observer, env["PGAPPNAME"]), "the killed loader's sessions to end")
    assert _without_sequences(table_snapshot(engine)) == before
    assert [r.status for r in _runs(engine)] == ["succeeded", "running"]

    report = load_seeds(engine, seeds_copy)
    runs = _runs(engine)
    assert [r.status for r in runs] == ["succeeded", "abandoned", "succeeded"]
    assert "stopped before it finished" in runs[1].message
    assert f"found by run {report.run_id}" in runs[1].message
    assert _counts(engine) == _counts(loaded_engine)  # after: exactly what a clean load gives
    assert not load_seeds(engine, seeds_copy).result.changed


def test_only_runs_whose_loader_died_are_marked_abandoned(engine):
    upgrade_schema(engine)
    first = start_run(engine)
    second = start_run(engine)  # the first one's loader lives: it stays running
    assert [r.status for r in _runs(engine)] == ["running", "running"]
    session = _run_sessions[first]
    backend = session.connection.dbapi_connection.info.backend_pid
    session.invalidate()  # its loader dies: the server drops its session and lock, soon
    wait_for(lambda: not _alive(engine, backend), "its session to end")
    third = start_run(engine)
    assert [(r.id, r.status) for r in _runs(engine)] == [
        (first, "abandoned"),
        (second, "running"),
        (third, "running"),
    ]
    for run_id in (second, third):
        fail_run(engine, run_id, "stopped by the test")
