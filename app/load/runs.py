"""The load_runs log: a run is recorded before it starts, so a crash leaves it 'running' (dirty)."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from sqlalchemy import Connection, Engine, text

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


def start_run(engine: Engine) -> int:
    """Insert a 'running' row in its own committed transaction and return its id."""
    with engine.begin() as conn:
        return conn.execute(
            text("INSERT INTO load_runs (status, code_version) VALUES ('running', :v) RETURNING id"),
            {"v": code_version()},
        ).scalar_one()


def finish_run(conn: Connection, run_id: int, counts: dict) -> None:
    """Mark the run succeeded inside the loading transaction, so both commit together."""
    conn.execute(
        text(
            "UPDATE load_runs SET status = 'succeeded', finished_at = now(), counts = CAST(:c AS jsonb)"
            " WHERE id = :id"
        ),
        {"c": json.dumps(counts), "id": run_id},
    )


def fail_run(engine: Engine, run_id: int, message: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE load_runs SET status = 'failed', finished_at = now(), message = :m WHERE id = :id"),
            {"m": message[:4000], "id": run_id},
        )
