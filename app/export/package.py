"""The Frictionless Data Package (datapackage.json) that describes an export.

Types, descriptions and keys come from the catalog, so that pandas, R or Frictionless users can
load the files without our docs. Table Schema v1, which every Frictionless tool reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.export.catalog import View

FORMATS = {
    "csv": {"format": "csv", "mediatype": "text/csv"},
    "parquet": {"format": "parquet", "mediatype": "application/vnd.apache.parquet"},
}
CSV_DIALECT = {
    "delimiter": ",",
    "quoteChar": '"',
    "doubleQuote": True,
    "header": True,
    "lineTerminator": "\n",
}


@dataclass(frozen=True)
class Written:
    """One exported file."""

    view: View
    path: str  # relative to the package
    rows: int
    bytes: int
    sha256: str


def field(column, fmt: str) -> dict:
    out = {"name": column.name, "type": column.field_type, "description": column.description}
    if column.is_array and fmt == "csv":
        out["description"] = f"{column.description} Written as a JSON array.".lstrip()
    elif column.is_array:
        # The Parquet file types it as a list; Frictionless reads Parquet through pandas, which
        # gives numpy arrays that its "array" type refuses, so the package says "any".
        out["type"] = "any"
        out["description"] = f"{column.description} A Parquet list.".lstrip()
    return out


def resource(written: Written, fmt: str) -> dict:
    view = written.view
    schema: dict = {"fields": [field(c, fmt) for c in view.columns], "missingValues": [""]}
    if view.primary_key:
        schema["primaryKey"] = list(view.primary_key)
    out = {
        "profile": "tabular-data-resource",
        "name": view.name,
        "path": written.path,
        "title": f"analytics.{view.name}",
        "description": view.description,
        **FORMATS[fmt],
        "encoding": "utf-8",
        "schema": schema,
    }
    if fmt == "csv":  # Frictionless checks size and hash of text files only (it reads Parquet via pandas)
        out.update(bytes=written.bytes, hash=f"sha256:{written.sha256}", dialect=CSV_DIALECT)
    return out


def descriptor(written: list[Written], fmt: str, created: str, revision: str, version: str) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": "povertydb-analytics",
        "title": "povertydb: the analytics views",
        "description": (
            "Vietnamese poverty-reduction figures and statements from news articles, each with the "
            "exact words it came from (char_start and char_end are 0-based code-point offsets into "
            "reports.text). One resource per view of the database's analytics schema, all read in "
            "one snapshot; descriptions are the database's own column comments."
        ),
        "created": created,
        "version": version,
        "povertydb:schema_revision": revision,
        "resources": [resource(w, fmt) for w in written],
    }
