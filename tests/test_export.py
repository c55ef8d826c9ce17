"""povertydb export: every analytics view as CSV or Parquet with a data package that Frictionless
validates and pandas reads, taken in one snapshot, never half-written."""

from __future__ import annotations

import json
from pathlib import Path

import frictionless
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.cli import cli
from app.db import upgrade_schema
from app.export import export_views
from app.load.seeds import load_seeds
from tests.conftest import SEEDS


def _env(engine) -> dict:
    return {"DATABASE_URL": engine.url.render_as_string(hide_password=False)}


def _views(engine) -> dict[str, int]:
    """Each analytics view of the catalog and its row count."""
    with engine.connect() as conn:
        names = conn.execute(
            text("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'analytics' AND c.relkind = 'v' ORDER BY 1
        """)
        ).scalars()
        return {v: conn.execute(text(f"SELECT count(*) FROM analytics.{v}")).scalar_one() for v in names}


def _comments(engine) -> dict[str, tuple[str, dict[str, str]]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT c.relname, obj_description(c.oid, 'pg_class'), a.attname, col_description(c.oid, a.attnum)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE n.nspname = 'analytics' AND c.relkind = 'v'
        """)
        ).all()
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for view, view_comment, column, comment in rows:
        out.setdefault(view, (view_comment, {}))[1][column] = comment
    return out


def _export(engine, target: Path, *args: str):
    result = CliRunner().invoke(cli, ["export", str(target), *args], env=_env(engine))
    assert result.exit_code == 0, result.output
    return result


def _assert_valid(package: Path) -> None:
    report = frictionless.validate(str(package))
    assert report.valid, report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])[:10]


@pytest.fixture(scope="module")
def csv_export(loaded_engine, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("export") / "csv"
    _export(loaded_engine, target)
    return target


@pytest.fixture(scope="module")
def parquet_export(loaded_engine, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("export") / "parquet"
    _export(loaded_engine, target, "--format", "parquet")
    return target


@pytest.mark.parametrize("package_dir", ["csv_export", "parquet_export"])
def test_frictionless_validates_the_package(package_dir, request):
    _assert_valid(request.getfixturevalue(package_dir) / "datapackage.json")


def test_the_package_has_one_resource_per_view_of_the_catalog(loaded_engine, csv_export):
    package = json.loads((csv_export / "datapackage.json").read_text(encoding="utf-8"))
    views = _views(loaded_engine)
    assert "series" in views and len(views) >= 11
    assert [r["name"] for r in package["resources"]] == sorted(views)
    assert sorted(p.name for p in csv_export.iterdir()) == sorted(
        [f"{v}.csv" for v in views] + ["datapackage.json"]
    )
    for resource in package["resources"]:
        assert (resource["path"], resource["format"], resource["encoding"]) == (
            f"{resource['name']}.csv",
            "csv",
            "utf-8",
        )


def test_pandas_reads_every_csv_and_parquet_file_with_the_rows_of_its_view(
    loaded_engine, csv_export, parquet_export
):
    for view, rows in _views(loaded_engine).items():
        assert len(pd.read_csv(csv_export / f"{view}.csv", dtype=str, keep_default_na=False)) == rows, view
        assert len(pd.read_parquet(parquet_export / f"{view}.parquet")) == rows, view


def test_the_exported_series_keeps_numbers_dates_and_alternatives_readable(csv_export, parquet_export):
    csv = pd.read_csv(csv_export / "series.csv", dtype={"region_code": str})
    parquet = pd.read_parquet(parquet_export / "series.parquet")
    for frame in (csv, parquet):
        rate = frame[(frame.indicator_code == "poor_household_rate") & (frame.region_code == "06")]
        assert len(rate) == 1
        row = rate.iloc[0]
        assert (row.value, row.rule, bool(row.tie)) == (21.95, "actual_over_preliminary", False)
        assert str(row.period_start)[:10] == "2023-01-01"
    csv_row = csv[(csv.indicator_code == "poor_household_rate") & (csv.region_code == "06")].iloc[0]
    assert json.loads(csv_row.alternative_values) == [22.25]  # arrays are JSON in CSV
    assert json.loads(csv_row.alternative_report_slugs) == ["tnmt-bac-kan-2023-results"]
    parquet_row = parquet[
        (parquet.indicator_code == "poor_household_rate") & (parquet.region_code == "06")
    ].iloc[0]
    assert list(parquet_row.alternative_values) == [22.25]  # and lists in Parquet
    schema = pq.read_schema(parquet_export / "series.parquet")
    assert str(schema.field("period_start").type) == "date32[day]"
    slugs = schema.field("alternative_report_slugs").type
    assert pa.types.is_list(slugs) and pa.types.is_string(slugs.value_type)
    assert str(schema.field("candidate_count").type) == "int64"


def test_every_field_and_resource_is_described_by_the_database_comments(loaded_engine, csv_export):
    comments = _comments(loaded_engine)
    package = json.loads((csv_export / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        view_comment, columns = comments[resource["name"]]
        assert resource["description"] == view_comment
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == list(columns) or {f["name"] for f in fields} == set(columns)
        for f in fields:
            assert f["description"], (resource["name"], f["name"])
            assert f["description"].startswith(columns[f["name"]]), (resource["name"], f["name"])


def test_field_types_follow_the_postgresql_types(csv_export, parquet_export):
    def types(directory: Path, view: str) -> dict[str, str]:
        package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
        resource = next(r for r in package["resources"] if r["name"] == view)
        return {f["name"]: f["type"] for f in resource["schema"]["fields"]}

    series = types(csv_export, "series")
    assert (series["value"], series["period_start"], series["tie"]) == ("number", "date", "boolean")
    assert (series["candidate_count"], series["rule"], series["alternative_values"]) == (
        "integer",
        "string",
        "array",
    )
    assert types(csv_export, "figures")["char_start"] == "integer"
    # Frictionless reads Parquet through pandas, whose numpy arrays its "array" type refuses.
    assert types(parquet_export, "series")["alternative_values"] == "any"


def test_primary_keys_are_declared_and_regions_key_includes_valid_from(csv_export):
    package = json.loads((csv_export / "datapackage.json").read_text(encoding="utf-8"))
    keys = {r["name"]: r["schema"].get("primaryKey") for r in package["resources"]}
    assert keys["figures"] == ["figure_id"]
    assert keys["funding"] == ["funding_id"]
    assert keys["statements"] == ["statement_id"]
    assert keys["reports"] == ["report_slug"]
    assert keys["regions"] == ["region_code", "valid_from"]
    assert keys["series"][:3] == ["indicator_code", "region_code", "region_valid_from"]
    assert keys["conflicts"] is None


def test_a_duplicate_pre_reform_region_breaks_the_declared_key(csv_export, tmp_path):
    """valid_from is NULL for pre-reform units; the key (region_code, valid_from) still catches duplicates."""
    package = json.loads((csv_export / "datapackage.json").read_text(encoding="utf-8"))
    regions = next(r for r in package["resources"] if r["name"] == "regions")
    lines = (csv_export / "regions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    pre_reform = next(line for line in lines[1:] if line.split(",")[6] == "")  # valid_from empty
    (tmp_path / "regions.csv").write_text("".join([*lines, pre_reform]), encoding="utf-8")
    del regions["bytes"], regions["hash"]
    (tmp_path / "datapackage.json").write_text(json.dumps({"resources": [regions]}), encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert {e[0] for e in report.flatten(["type"])} == {"primary-key"}


def test_the_export_summary_gives_rows_per_file(loaded_engine, tmp_path):
    result = _export(loaded_engine, tmp_path / "out")
    lines = result.output.splitlines()
    figures = next(line for line in lines if line.startswith("figures.csv"))
    assert figures.split()[1] == str(_views(loaded_engine)["figures"])
    assert "from one snapshot" in lines[-1]


def test_a_non_empty_directory_is_refused_unless_overwrite(loaded_engine, tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    refused = CliRunner().invoke(cli, ["export", str(target)], env=_env(loaded_engine))
    assert refused.exit_code == 1
    assert f"{target} is not empty" in refused.output
    assert "--overwrite" in refused.output
    assert "Traceback" not in refused.output
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_overwrite_replaces_an_earlier_export_and_leaves_other_files(loaded_engine, tmp_path):
    target = tmp_path / "out"
    _export(loaded_engine, target)
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    _export(loaded_engine, target, "--format", "parquet", "--overwrite")
    names = {p.name for p in target.iterdir()}
    assert "notes.txt" in names
    assert not [n for n in names if n.endswith(".csv")]  # the earlier export's files are gone
    package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} | {"datapackage.json", "notes.txt"} == names


class _DeleteStatementsAfterFirstView:
    """Progress that deletes every statement once the first view is written, from another connection."""

    def __init__(self, engine) -> None:
        self.engine, self.done = engine, False

    def started(self, views):
        assert views.index("statements") > 0

    def advanced(self, view, rows, nbytes):
        pass

    def finished(self, written):
        if not self.done:
            with self.engine.begin() as conn:
                conn.execute(text("DELETE FROM statements"))
            self.done = True


def test_the_export_is_one_snapshot_while_the_database_changes(engine, tmp_path):
    load_seeds(engine, SEEDS)
    written = export_views(engine, tmp_path / "out", progress=_DeleteStatementsAfterFirstView(engine))
    rows = {w.view.name: w.rows for w in written}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM analytics.statements")).scalar_one() == 0
    assert rows["statements"] == 10  # as they were when the export began
    reports = pd.read_csv(tmp_path / "out" / "reports.csv")
    assert reports.statement_count.sum() == len(pd.read_csv(tmp_path / "out" / "statements.csv")) == 10


def test_a_view_added_later_is_exported_with_its_types(engine, tmp_path):
    upgrade_schema(engine)
    with engine.begin() as conn:
        conn.execute(
            text("""
            CREATE VIEW analytics.zz_later AS
            SELECT 1::int AS id, now() AS loaded_at, true AS flag, '{"a": 1}'::jsonb AS doc,
                   ARRAY[1, 2] AS numbers, 2.5::numeric AS share, interval '1 day' AS lag
        """)
        )
        conn.execute(text("COMMENT ON VIEW analytics.zz_later IS 'A view of a later migration.'"))
        for column in ("id", "loaded_at", "flag", "doc", "numbers", "share", "lag"):
            conn.execute(text(f"COMMENT ON COLUMN analytics.zz_later.{column} IS 'The {column}.'"))
    for fmt in ("csv", "parquet"):
        target = tmp_path / fmt
        _export(engine, target, "--format", fmt)
        _assert_valid(target / "datapackage.json")
        package = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
        later = next(r for r in package["resources"] if r["name"] == "zz_later")
        assert later["description"] == "A view of a later migration."
        assert {f["name"]: f["type"] for f in later["schema"]["fields"]} == {
            "id": "integer",
            "loaded_at": "datetime",
            "flag": "boolean",
            "doc": "object",
            "numbers": "array" if fmt == "csv" else "any",
            "share": "number",
            "lag": "duration",
        }
        frame = (
            pd.read_csv(target / "zz_later.csv")
            if fmt == "csv"
            else pd.read_parquet(target / "zz_later.parquet")
        )
        assert len(frame) == 1 and bool(frame.flag[0]) is True


def test_a_failing_view_is_a_message_and_leaves_nothing_behind(engine, tmp_path):
    upgrade_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE VIEW analytics.zz_broken AS SELECT 1 / 0 AS x"))
    target = tmp_path / "out"
    result = CliRunner().invoke(cli, ["export", str(target)], env=_env(engine))
    assert result.exit_code == 1
    assert "the database refused the export, nothing was written: division by zero" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()
