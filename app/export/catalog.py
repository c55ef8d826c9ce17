"""The analytics views as the catalog describes them, and how each column type is written out.

Views are listed from pg_catalog, so a view added by a later migration is exported with no code
change; its types map to Frictionless field types and Arrow types by PostgreSQL type name.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
from psycopg import sql

# Natural keys of the views (views carry no constraints). A key whose columns a view no longer
# has is not declared. analytics.conflicts has none: it is grouped by baseline periods it does
# not show, so two of its rows may agree on every shown column.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "figures": ("figure_id",),
    "funding": ("funding_id",),
    "statements": ("statement_id",),
    "reports": ("report_slug",),
    # valid_from is NULL for every pre-reform unit: the key is the pair, NULL included (see
    # docs/export.md). Frictionless accepts a NULL in part of a composite key and checks
    # uniqueness with NULL as a value, which is what (region_code, valid_from) means here.
    "regions": ("region_code", "valid_from"),
    "region_successors": ("predecessor_code", "successor_code"),
    "indicators": ("indicator_code",),
    "programs": ("program_code",),
    "officials": ("person_key", "report_slug"),
    "series": (
        "indicator_code",
        "region_code",
        "region_valid_from",
        "period_start",
        "period_end",
        "baseline_period_start",
        "baseline_period_end",
    ),
}

FIELD_TYPES = {
    "int2": "integer",
    "int4": "integer",
    "int8": "integer",
    "numeric": "number",
    "float4": "number",
    "float8": "number",
    "bool": "boolean",
    "date": "date",
    "timestamp": "datetime",
    "timestamptz": "datetime",
    "time": "time",
    "interval": "duration",
    "json": "object",
    "jsonb": "object",
}
# numeric goes to Parquet as double (what pandas and R make of it anyway); the CSV keeps the
# exact decimal text. Types without an entry are written as their text.
ARROW_TYPES = {
    "int2": pa.int16(),
    "int4": pa.int32(),
    "int8": pa.int64(),
    "numeric": pa.float64(),
    "float4": pa.float32(),
    "float8": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us"),
    "timestamptz": pa.timestamp("us", tz="UTC"),
    "time": pa.time64("us"),
    "text": pa.string(),
}
CASTS = {"numeric": "float8"}


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str  # as format_type() prints it, e.g. numeric[]
    base: str  # pg_type.typname of the type, or of the element type of an array
    is_array: bool
    description: str

    @property
    def field_type(self) -> str:
        return "array" if self.is_array else FIELD_TYPES.get(self.base, "string")

    @property
    def arrow_type(self) -> pa.DataType:
        item = ARROW_TYPES.get(self.base, pa.string())
        return pa.list_(item) if self.is_array else item

    def csv_select(self) -> sql.Composable:
        """Cell text Frictionless and pandas read back: arrays and timestamps as JSON, booleans as words."""
        col = sql.Identifier(self.name)
        if self.is_array:
            return sql.SQL("to_json({})::text").format(col)
        if self.base in ("timestamp", "timestamptz"):
            return sql.SQL("to_json({}) #>> '{{}}'").format(col)
        if self.base == "bool":
            return sql.SQL("{}::text").format(col)
        return col

    def parquet_select(self) -> sql.Composable:
        col = sql.Identifier(self.name)
        if self.base in ARROW_TYPES:
            cast = CASTS.get(self.base)
            if cast is None:
                return col
            return sql.SQL("{}::{}").format(col, sql.SQL(cast + ("[]" if self.is_array else "")))
        return sql.SQL("{}::text{}").format(col, sql.SQL("[]" if self.is_array else ""))


@dataclass(frozen=True)
class View:
    name: str
    description: str
    columns: tuple[Column, ...]

    @property
    def primary_key(self) -> tuple[str, ...]:
        key = PRIMARY_KEYS.get(self.name, ())
        names = {c.name for c in self.columns}
        return key if set(key) <= names else ()

    def select(self, parquet: bool) -> sql.Composed:
        columns = [
            sql.SQL("{} AS {}").format(
                c.parquet_select() if parquet else c.csv_select(), sql.Identifier(c.name)
            )
            for c in self.columns
        ]
        order = [sql.Identifier(k) for k in self.primary_key]
        query = sql.SQL("SELECT {} FROM analytics.{}").format(
            sql.SQL(", ").join(columns), sql.Identifier(self.name)
        )
        if order:  # a stable row order, so that two exports of one database are identical files
            query += sql.SQL(" ORDER BY {}").format(sql.SQL(", ").join(order))
        return query


def list_views(cur) -> list[View]:
    """Every view of the analytics schema, with its columns and comments, by name."""
    views = cur.execute("""
        SELECT c.oid, c.relname, coalesce(obj_description(c.oid, 'pg_class'), '')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'analytics' AND c.relkind IN ('v', 'm') ORDER BY c.relname
    """).fetchall()
    out = []
    for oid, name, description in views:
        columns = cur.execute(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(e.typname, t.typname),
                   e.oid IS NOT NULL, coalesce(col_description(a.attrelid, a.attnum), '')
            FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type e ON e.oid = t.typelem AND t.typcategory = 'A'
            WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """,
            (oid,),
        ).fetchall()
        out.append(View(name, description, tuple(Column(*row) for row in columns)))
    return out
