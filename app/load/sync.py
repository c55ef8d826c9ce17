"""Set-based sync of one table: COPY rows into a temp stage, delete what left, upsert the rest.

Each table declares its natural key (columns of its resolved stage) and its write
disposition is "merge to the staged state": rows not staged are deleted,
changed rows are updated, identical rows are not touched (their load_run_id stays). MERGE
(PostgreSQL 15+) rather than INSERT ... ON CONFLICT, so that a run that changes nothing does
not consume sequence values either.
"""

from __future__ import annotations

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

    def of(self, table: str) -> Counts:
        return self.counts.setdefault(table, Counts())

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.counts.values())


def stage(conn: Connection, spec: TableSync, rows: Iterable[dict]) -> int:
    """Create the temp stage of `spec` and COPY `rows` into it; return the row count."""
    cols = ", ".join(f'"{name}" {sqltype}' for name, sqltype in spec.stage_columns)
    names = [name for name, _ in spec.stage_columns]
    raw = conn.connection.driver_connection
    with raw.cursor() as cur:
        cur.execute(f"CREATE TEMP TABLE {spec.stage} ({cols}) ON COMMIT DROP")
        count = 0
        with cur.copy(f"COPY {spec.stage} ({', '.join(names)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
                count += 1
        cur.execute(f"ANALYZE {spec.stage}")
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
    result = SyncResult({spec.table: Counts() for spec, _ in plan})
    staged = {spec.table: stage(conn, spec, rows) for spec, rows in plan}
    for spec, _ in reversed(plan):
        result.of(spec.table).deleted = prune(conn, spec, params or {})
    for spec, _ in plan:
        counts = result.of(spec.table)
        counts.inserted, counts.updated = upsert(conn, spec, run_id)
        counts.unchanged = staged[spec.table] - counts.inserted - counts.updated
    return result
