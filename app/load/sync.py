"""Set-based sync of one table: COPY rows into a temp stage, delete what left, upsert the rest.

Each table declares its natural key (columns of its resolved stage) and its write
disposition is "merge to the staged state": rows not staged are deleted,
changed rows are updated, identical rows are not touched (their load_run_id stays). MERGE
(PostgreSQL 15+) rather than INSERT ... ON CONFLICT, so that a run that changes nothing does
not consume sequence values either.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import Connection


def null_safe_equal(left: str, right: str) -> str:
    """Dates equal, NULL matching NULL, written so that PostgreSQL can still hash-join on it
    (IS NOT DISTINCT FROM cannot be hashed)."""
    return f"coalesce({left}, '-infinity'::date) = coalesce({right}, '-infinity'::date)"


@dataclass(frozen=True)
class TableSync:
    """How one table is synced from its stage.

    `select_sql` reads the stage aliased `s` and yields `columns` in order (foreign keys
    resolved by joins); `conflict` names the target's natural key among `columns`. Key
    columns listed in `nullable_dates` may be NULL and compare equal when both are.
    """

    table: str
    stage_columns: Sequence[tuple[str, str]]
    columns: Sequence[str]
    select_sql: str
    conflict: Sequence[str]
    # Statements run after the upsert (e.g. self-references), each returning one boolean per
    # row it touched: true where that row counts as updated rather than just inserted.
    after_upsert: Sequence[str] = ()
    nullable_dates: Sequence[str] = ()
    # Rows outside this SQL predicate over `t` are never pruned (facts of skipped reports).
    prune_scope: str = "true"

    def equal(self, left: str, right: str, column: str) -> str:
        """A hash-joinable equality of key `column`, NULL matching NULL where it may be NULL."""
        return null_safe_equal(left, right) if column in self.nullable_dates else f"{left} = {right}"

    @property
    def stage(self) -> str:
        return f"stage_{self.table}"


@dataclass
class Counts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


@dataclass
class SyncResult:
    counts: dict[str, Counts] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # prune and write time per table

    def of(self, table: str) -> Counts:
        return self.counts.setdefault(table, Counts())

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())


def create_stage(conn: Connection, spec: TableSync) -> None:
    """Create the empty temp stage of `spec` (dropped at commit)."""
    cols = ", ".join(f'"{name}" {sqltype}' for name, sqltype in spec.stage_columns)
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE {spec.stage} ({cols}) ON COMMIT DROP")


def copy_rows(conn: Connection, spec: TableSync, rows: Iterable[dict]) -> int:
    """COPY `rows` into the existing stage of `spec`; return the row count."""
    names = [name for name, _ in spec.stage_columns]
    count = 0
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {spec.stage} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[n] for n in names])
            count += 1
    return count


def analyze_stage(conn: Connection, spec: TableSync) -> None:
    """Row counts for the planner: a small batch probes the target's key index."""
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(f"ANALYZE {spec.stage}")


def stage(conn: Connection, spec: TableSync, rows: Iterable[dict]) -> int:
    """Create the temp stage of `spec` and COPY `rows` into it; return the row count."""
    create_stage(conn, spec)
    count = copy_rows(conn, spec, rows)
    analyze_stage(conn, spec)
    return count


def prune(conn: Connection, spec: TableSync, params: dict) -> int:
    """Delete target rows whose natural key the stage no longer holds.

    Keys are compared after resolution (ids of reports, regions...), as a hash anti-join. A
    staged row whose parent does not exist yet cannot match, and needs not: no target row
    can point at a parent that does not exist.
    """
    match = " AND ".join(spec.equal(f"t.{c}", f"src.{c}", c) for c in spec.conflict)
    sql = f"""
        DELETE FROM {spec.table} t WHERE ({spec.prune_scope}) AND NOT EXISTS (
            SELECT 1 FROM ({spec.select_sql}) AS src ({", ".join(spec.columns)}) WHERE {match})
    """
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.rowcount


def upsert(conn: Connection, spec: TableSync, run_id: int) -> tuple[int, int]:
    """One MERGE for the whole stage; return (inserted, updated)."""
    cols = list(spec.columns)
    data = [c for c in cols if c not in spec.conflict]
    src = f"src_{spec.table}"
    match = " AND ".join(spec.equal(f"t.{c}", f"src.{c}", c) for c in spec.conflict)
    differs = (
        f"({', '.join('t.' + c for c in data)}) IS DISTINCT FROM ({', '.join('src.' + c for c in data)})"
    )
    # A table that is all key (a link table) has nothing to update: rows are there or not.
    matched = (
        f"""WHEN MATCHED AND {differs} THEN
            UPDATE SET {", ".join(f"{c} = src.{c}" for c in data)}, load_run_id = %(run)s"""
        if data
        else ""
    )
    merge = f"""
        MERGE INTO {spec.table} AS t USING {src} AS src ON {match}
        {matched}
        WHEN NOT MATCHED THEN
            INSERT ({", ".join(cols)}, load_run_id) VALUES ({", ".join("src." + c for c in cols)}, %(run)s)
    """
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE {src} ({', '.join(cols)}) ON COMMIT DROP AS {spec.select_sql}")
        # Row counts let the planner probe the target's key index for a small batch instead of
        # hashing the whole target table.
        cur.execute(f"ANALYZE {src}")
        cur.execute(
            f"SELECT count(*) FROM {src} AS src WHERE NOT EXISTS (SELECT 1 FROM {spec.table} t WHERE {match})"
        )
        (inserted,) = cur.fetchone()
        cur.execute(merge, {"run": run_id})
        updated = cur.rowcount - inserted
        for statement in spec.after_upsert:
            cur.execute(statement, {"run": run_id})
            updated += sum(1 for (counts_as_update,) in cur.fetchall() if counts_as_update)
    return inserted, updated


def insert(conn: Connection, spec: TableSync, run_id: int) -> int:
    """INSERT the whole stage, for rows known to be new (reports not in the database yet, and their
    facts): no anti-join, no MERGE, no second copy of the stage; return the rows inserted."""
    cols = ", ".join(spec.columns)
    with conn.connection.driver_connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {spec.table} ({cols}, load_run_id)"
            f" SELECT src.*, %(run)s FROM ({spec.select_sql}) AS src ({cols})",
            {"run": run_id},
        )
        return cur.rowcount


def sync_all(
    conn: Connection,
    plan: Sequence[tuple[TableSync, Iterable[dict]]],
    run_id: int,
    params: dict | None = None,
) -> SyncResult:
    """Stage every table, prune in reverse dependency order, then upsert in dependency order.

    `plan` lists tables parents first. Pruning children first keeps foreign keys valid; upserting
    parents first lets children resolve their keys by joins. `params` feed the prune scopes.
    """
    staged = {spec.table: stage(conn, spec, rows) for spec, rows in plan}
    return merge_staged(conn, [spec for spec, _ in plan], staged, run_id, params)


def merge_staged(
    conn: Connection,
    specs: Sequence[TableSync],
    staged: dict[str, int],
    run_id: int,
    params: dict | None = None,
    new_only: frozenset[str] = frozenset(),
) -> SyncResult:
    """Prune and upsert tables whose stages hold `staged[table]` rows (see sync_all). Tables in
    `new_only` hold only rows that cannot exist yet: they are inserted, not merged."""
    result = SyncResult({spec.table: Counts() for spec in specs})
    for spec in reversed(specs):
        began = time.perf_counter()
        result.of(spec.table).deleted = prune(conn, spec, params or {})
        result.seconds[spec.table] = time.perf_counter() - began
    for spec in specs:
        began = time.perf_counter()
        counts = result.of(spec.table)
        if spec.table in new_only:
            counts.inserted = insert(conn, spec, run_id)
        else:
            counts.inserted, counts.updated = upsert(conn, spec, run_id)
        counts.unchanged = staged[spec.table] - counts.inserted - counts.updated
        result.seconds[spec.table] += time.perf_counter() - began
    return result
