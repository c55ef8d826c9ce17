"""Benchmark the set-based load: first load, no-op reload, and a row-by-row baseline.

Runs on a throwaway database of DATABASE_URL's server, or of a temporary embedded server.
Prints seconds and ratios; it asserts nothing (timings are no tests).

    python scripts/bench_load.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from app.db import embedded_server, make_engine, upgrade_schema
from app.load.seeds import collect, load_seeds, plan
from app.settings import PROJECT_ROOT, Settings


@contextlib.contextmanager
def scratch_database():
    settings = Settings.from_env()
    with contextlib.ExitStack() as stack:
        if settings.database_url:
            server = settings.database_url
        else:
            tmp = stack.enter_context(tempfile.TemporaryDirectory())
            Path(tmp).chmod(0o755)  # as root the server runs as a system user, which must enter it
            server = stack.enter_context(embedded_server(Path(tmp) / "pgdata"))
        name = f"povertydb_bench_{uuid.uuid4().hex[:8]}"
        admin = server.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def timed(fn):
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def row_by_row_regions(url: str, rows: list[dict]) -> float:
    """The naive way: one INSERT statement and round trip per region, into a scratch table."""
    dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn) as conn:
        conn.execute("CREATE TEMP TABLE naive_regions (LIKE regions INCLUDING DEFAULTS INCLUDING IDENTITY)")
        began = time.perf_counter()
        for r in rows:
            conn.execute(
                "INSERT INTO naive_regions (code, name, name_folded, unit_type, level, valid_from, valid_to,"
                " load_run_id) VALUES (%s, %s, %s, %s, %s, %s, %s, 0)",
                (
                    r["code"],
                    r["name"],
                    r["name_folded"],
                    r["unit_type"],
                    r["level"],
                    r["valid_from"],
                    r["valid_to"],
                ),
            )
        conn.commit()
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    seeds = PROJECT_ROOT / "seeds"
    parse_s, collected = timed(lambda: collect(seeds))
    regions = next(rows for spec, rows in plan(collected.ref, collected.reports) if spec.table == "regions")
    first, noop, naive = [], [], []
    for _ in range(args.repeat):
        with scratch_database() as url:
            engine = make_engine(url)
            upgrade_schema(engine)
            for times in (first, noop):
                began = time.perf_counter()
                load_seeds(engine, seeds, collected=collected)
                times.append(time.perf_counter() - began)
            naive.append(row_by_row_regions(url, regions))
            engine.dispose()
    med = statistics.median
    units = len(collected.ref.gazetteer.units)
    links = len(collected.ref.gazetteer.successions)
    print(f"read and verify seeds (gazetteer {units} units, {links} successions): {parse_s:.2f} s")
    print(f"first load, every table:                {med(first):.2f} s (median of {args.repeat})")
    print(
        f"no-op reload:                           {med(noop):.2f} s ({med(noop) / med(first):.2f} of first)"
    )
    print(f"row-by-row INSERT of the regions alone: {med(naive):.2f} s")
    print(f"ratio row-by-row regions / set-based load of everything: {med(naive) / med(first):.1f}x")


if __name__ == "__main__":
    main()
