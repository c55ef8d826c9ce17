"""load-seeds end to end on a real PostgreSQL: provenance, idempotence, edits and failures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from sqlalchemy import text

from app.db import LOAD_LOCK_KEY, LoadLocked
from app.load.seeds import SeedsError, load_seeds
from app.mapping.schema import read_mapping
from tests.conftest import SEEDS

ARTICLE_004 = "004_1809158b010efb0f"
SLUG_004 = "ndo-bac-kan-2024-targets"
FACT_TABLES = ("observations", "funding", "statements")


def _mapping_path(seeds: Path, stem: str = ARTICLE_004) -> Path:
    return seeds / "articles" / f"{stem}.yaml"


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_every_span_is_its_evidence_text(loaded_engine):
    with loaded_engine.connect() as conn:
        for table in FACT_TABLES:
            bad = conn.execute(
                text(f"""
                SELECT count(*) FROM {table} x JOIN reports r ON r.id = x.report_id
                WHERE substr(r.text, x.char_start + 1, x.char_end - x.char_start) <> x.evidence_text
            """)
            ).scalar_one()
            assert bad == 0, table
        via_view = conn.execute(
            text("""
            SELECT count(*) FILTER (WHERE substr(r.text, f.char_start + 1, f.char_end - f.char_start)
                                          = f.evidence_text), count(*)
            FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
        """)
        ).one()
        assert via_view[0] == via_view[1] > 0


def test_every_figure_of_every_mapping_is_in_analytics_figures_inside_its_body(loaded_engine):
    expected = set()
    for path in sorted((SEEDS / "articles").glob("*.yaml")):
        mapping = read_mapping(path)
        expected |= {f"{mapping.report.slug}:{item.key}" for item in [*mapping.figures, *mapping.funding]}
    with loaded_engine.connect() as conn:
        rows = conn.execute(
            text("""
            SELECT f.figure_id, f.char_start >= r.body_start AND f.char_end <= r.body_end
            FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
        """)
        ).all()
    assert {figure_id for figure_id, _ in rows} == expected
    assert len(expected) == len(rows) >= 69
    assert all(inside for _, inside in rows), "a figure lies outside the article body"


@pytest.mark.parametrize(
    ("stem", "slug", "publisher", "author", "published_on"),
    [
        ("000_a65e3a874b89616e", "tnmt-bac-kan-2023-results", "TN&MT", "Lan Chi", date(2024, 2, 27)),
        (
            "001_44e0430bb1b87423",
            "baobaclieu-bac-lieu-city-2023",
            "báo Bạc Liêu",
            "Minh Luân",
            date(2024, 7, 4),
        ),
        # The site clock says 23/08/2019; the byline 01/12/2024.
        (
            "002_8bb7c323e6b1daaf",
            "baodantoc-binh-gia-interview",
            "Báo Dân tộc và Phát triển",
            "Thúy Hồng",
            date(2024, 12, 1),
        ),
        ("003_07fbacaad79b7bed", "dong-hy-mobilises-resources", None, None, None),
        ("004_1809158b010efb0f", "ndo-bac-kan-2024-targets", "NDO", None, None),
    ],
)
def test_each_report_keeps_its_page_text_exactly_and_its_printed_metadata(
    loaded_engine, stem, slug, publisher, author, published_on
):
    raw = (SEEDS / "articles" / f"{stem}.txt").read_text(encoding="utf-8")
    with loaded_engine.connect() as conn:
        row = (
            conn.execute(text("SELECT * FROM analytics.reports WHERE report_slug = :s"), {"s": slug})
            .mappings()
            .one()
        )
    assert row["text"] == raw
    assert row["source_file"] == f"{stem}.txt"
    assert (row["publisher"], row["author"], row["published_on"]) == (publisher, author, published_on)
    assert row["title"] in raw[: row["body_start"]]  # the headline is printed before the body
    assert row["figure_count"] > 0


def test_figures_carry_region_period_and_sign_as_the_article_says(loaded_engine):
    with loaded_engine.connect() as conn:
        fig = {
            r.indicator_code + ":" + str(r.period_start.year): r
            for r in conn.execute(
                text("SELECT * FROM analytics.figures WHERE figure_kind = 'indicator' AND report_slug = :s"),
                {"s": SLUG_004},
            )
        }
    fall = fig["poor_household_rate_change:2023"]
    assert (fall.value, fall.unit, fall.baseline_period_start.year) == (
        Decimal("-2.76"),
        "percentage_points",
        2022,
    )
    assert fig["poor_households:2023"].region_code == "06"
    assert fig["poor_households:2023"].region_name == "Tỉnh Bắc Kạn"
    assert fig["poor_household_rate:2024"].status == "target"
    assert fig["households_housing_supported:2024"].qualifier == "about"


def test_a_second_load_changes_nothing_and_says_so(engine, snapshot):
    first = load_seeds(engine, SEEDS)
    before = snapshot(engine)
    second = load_seeds(engine, SEEDS)
    assert first.result.changed
    assert not second.result.changed
    assert snapshot(engine) == before
    # The summary's counts: a first load inserts every person, a second finds them all unchanged.
    assert (first.result.of("people").inserted, first.result.of("people").unchanged) == (5, 0)
    assert (second.result.of("people").inserted, second.result.of("people").unchanged) == (0, 5)
    for run in (first, second):
        assert all(min(vars(c).values()) >= 0 for c in run.result.counts.values()), run.result
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT status FROM load_runs ORDER BY id")).scalars().all()
    assert statuses == ["succeeded", "succeeded"]


def test_a_wrong_value_fails_naming_the_file_and_the_figure_and_writes_nothing(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    path = _mapping_path(seeds_copy)
    _edit(path, lambda d: d["figures"][4].update(value=21.9))
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, seeds_copy)
    message = str(caught.value)
    assert str(path) in message
    assert "figures[4] (poor-household-rate-2023)" in message
    assert "21.9" in message and "21,95%" in message
    assert snapshot(engine) == before


def test_editing_one_figure_updates_only_its_row(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)["observations"]

    def retag(data):  # figure 0 of article 004
        data["figures"][0]["status"] = "expected"

    _edit(_mapping_path(seeds_copy), retag)
    report = load_seeds(engine, seeds_copy)
    after = snapshot(engine)["observations"]
    changed = [a for a, b in zip(after, before, strict=True) if a != b]
    assert len(changed) == 1 and changed[0].status == "expected"
    assert changed[0].load_run_id == report.run_id
    counts = report.result.counts["observations"]
    assert (counts.updated, counts.inserted, counts.deleted) == (1, 0, 0)


def _facts_of(engine, slug: str) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t: conn.execute(
                text(f"SELECT count(*) FROM {t} x JOIN reports r ON r.id = x.report_id WHERE r.slug = :s"),
                {"s": slug},
            ).scalar_one()
            for t in FACT_TABLES
        }


def test_removing_a_figure_from_the_mapping_deletes_its_row(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    before = _facts_of(engine, SLUG_004)

    def drop_last_figure(data):
        removed = data["figures"].pop()
        data["left_out"] = [{"quote": removed["quote"], "reason": "dropped in a test"}]

    _edit(_mapping_path(seeds_copy), drop_last_figure)
    report = load_seeds(engine, seeds_copy)
    assert report.result.counts["observations"].deleted == 1
    with engine.connect() as conn:
        keys = conn.execute(text("SELECT fact_key FROM observations")).scalars().all()
    assert "households-housing-supported-2024-target" not in keys
    assert _facts_of(engine, SLUG_004)["observations"] == before["observations"] - 1


def test_removing_an_article_removes_the_report_and_all_its_rows_and_only_those(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    others = {
        slug: _facts_of(engine, slug) for slug in ("tnmt-bac-kan-2023-results", "dong-hy-mobilises-resources")
    }
    for suffix in (".yaml", ".txt"):
        _mapping_path(seeds_copy).with_suffix(suffix).unlink()
    load_seeds(engine, seeds_copy)
    assert _facts_of(engine, SLUG_004) == dict.fromkeys(FACT_TABLES, 0)
    with engine.connect() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM reports WHERE slug = :s"), {"s": SLUG_004}).scalar_one()
            == 0
        )
    assert {slug: _facts_of(engine, slug) for slug in others} == others


def test_unchanged_reports_are_skipped_by_their_checksum(engine, seeds_copy):
    load_seeds(engine, seeds_copy)
    with engine.connect() as conn:
        before = dict(conn.execute(text("SELECT slug, load_checksum FROM reports")).all())
    _edit(_mapping_path(seeds_copy), lambda d: d["figures"][0].update(status="expected"))
    report = load_seeds(engine, seeds_copy)
    with engine.connect() as conn:
        after = dict(conn.execute(text("SELECT slug, load_checksum FROM reports")).all())
    assert {slug for slug in after if after[slug] != before[slug]} == {SLUG_004}
    # Only the edited report's facts were staged; the others count as unchanged without a look.
    counts = report.result.counts["observations"]
    assert (
        counts.updated == 1
        and counts.unchanged
        == sum(len(read_mapping(p).figures) for p in (seeds_copy / "articles").glob("*.yaml")) - 1
    )


def test_a_quote_missing_from_the_text_is_a_clear_error_and_nothing_is_written(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    path = seeds_copy / "articles" / "000_a65e3a874b89616e.yaml"
    _edit(path, lambda d: d["statements"][0].update(quote="không có trong bài báo"))
    with pytest.raises(SeedsError) as caught:
        load_seeds(engine, seeds_copy)
    assert f"{path}: statements[0] (pham-duy-hung-propaganda): quote 'không có trong bài báo'" in str(
        caught.value
    )
    assert snapshot(engine) == before


def test_a_loader_that_may_not_wait_fails_cleanly_and_is_logged_as_failed(engine, seeds_copy, snapshot):
    load_seeds(engine, seeds_copy)
    before = snapshot(engine)
    _edit(_mapping_path(seeds_copy), lambda d: d["figures"][0].update(status="expected"))
    with engine.connect() as holder:
        holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOAD_LOCK_KEY})
        with pytest.raises(LoadLocked, match="another load-seeds is running"):
            load_seeds(engine, seeds_copy, wait=False)
        holder.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOAD_LOCK_KEY})
    assert snapshot(engine) == before
    with engine.connect() as conn:
        last = conn.execute(text("SELECT status, message FROM load_runs ORDER BY id DESC LIMIT 1")).one()
    assert last.status == "failed" and "LoadLocked" in last.message


def _reuse_nong_ngoc_nams_key_for_pham_duy_hung(seeds: Path) -> Path:
    """Article 000 calls Phạm Duy Hưng by the key that 002 gives Nông Ngọc Nam."""
    path = seeds / "articles" / "000_a65e3a874b89616e.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("key: pham-duy-hung\n", "key: nong-ngoc-nam\n").replace(
            "person: pham-duy-hung\n", "person: nong-ngoc-nam\n"
        ),
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("command", ["check", "load-seeds"])
def test_a_person_key_reused_for_another_person_fails_naming_both_files_and_writes_nothing(
    seeds_copy, db_url, engine, command
):
    from click.testing import CliRunner

    from app.cli import cli

    path = _reuse_nong_ngoc_nams_key_for_pham_duy_hung(seeds_copy)
    other = seeds_copy / "articles" / "002_8bb7c323e6b1daaf.yaml"
    result = CliRunner().invoke(cli, [command, "--seeds-dir", str(seeds_copy)], env={"DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert (
        f"{other}: people: key 'nong-ngoc-nam' names 'Nông Ngọc Nam' here but 'Phạm Duy Hưng' in {path}"
        in (result.output)
    )
    assert "Traceback" not in result.output
    with engine.connect() as conn:  # not even migrated: nothing was written
        assert conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar() == 0


def test_the_same_person_in_two_reports_is_one_person_with_two_positions(engine, seeds_copy):
    """Keys are not scoped per file: one official named by two reports stays linkable."""
    page = seeds_copy / "articles" / f"{ARTICLE_004}.txt"
    lines = page.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "Phó Chủ tịch UBND tỉnh Phạm Duy Hưng chỉ đạo các ngành tiếp tục thực hiện.")
    page.write_text("\n".join(lines), encoding="utf-8")
    with _mapping_path(seeds_copy).open("a", encoding="utf-8") as fh:
        fh.write(
            "\npeople:\n  - key: pham-duy-hung\n    name: Phạm Duy Hưng\n"
            '    title: Phó Chủ tịch UBND tỉnh Bắc Kạn\n    region: "06"\n'
        )
    load_seeds(engine, seeds_copy)
    with engine.connect() as conn:
        reports, names = conn.execute(
            text(
                "SELECT count(DISTINCT report_slug), count(DISTINCT person_name) FROM analytics.officials"
                " WHERE person_key = 'pham-duy-hung'"
            )
        ).one()
    assert (reports, names) == (2, 1)


def _add_attainment_of_120_percent(seeds: Path, indicator: str) -> Path:
    """Article 004 gains "đạt 120% chỉ tiêu" in its body and a figure for it."""
    page = seeds / "articles" / f"{ARTICLE_004}.txt"
    lines = page.read_text(encoding="utf-8").split("\n")
    lines.insert(3, "Năm 2023, tỉnh đạt 120% chỉ tiêu giảm hộ nghèo.")
    page.write_text("\n".join(lines), encoding="utf-8")
    path = _mapping_path(seeds)
    figure = {"key": "plan-attainment-2023", "indicator": indicator, "quote": "đạt 120% chỉ tiêu"}
    figure |= {"value": 120, "period": "2023", "status": "actual"}
    _edit(path, lambda d: d["figures"].append(figure))
    return path


def test_attainment_of_120_percent_of_a_plan_loads_as_plan_attainment(engine, seeds_copy):
    _add_attainment_of_120_percent(seeds_copy, "plan_attainment")
    load_seeds(engine, seeds_copy)
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT indicator_code, unit, value, evidence_text FROM analytics.figures"
                " WHERE figure_id = :id"
            ),
            {"id": f"{SLUG_004}:plan-attainment-2023"},
        ).one()
    assert tuple(row) == ("plan_attainment", "percent_ratio", Decimal(120), "đạt 120% chỉ tiêu")


def test_a_rate_of_120_under_a_share_indicator_is_refused_by_check_naming_file_and_fact(seeds_copy):
    from click.testing import CliRunner

    from app.cli import cli

    path = _add_attainment_of_120_percent(seeds_copy, "poor_household_rate")
    result = CliRunner().invoke(cli, ["check", "--seeds-dir", str(seeds_copy)])
    assert result.exit_code == 1
    n = len(read_mapping(path).figures) - 1
    assert (
        f"{path}: figures[{n}] (plan-attainment-2023): value 120 is outside 0-100: poor_household_rate"
        " is a share (unit percent)" in result.output
    )
    assert "Traceback" not in result.output


def _spans(engine) -> dict:
    with engine.connect() as conn:
        return {
            view: conn.execute(
                text(f"SELECT {key}, char_start, char_end, {words} FROM analytics.{view} ORDER BY 1")
            ).all()
            for view, key, words in (
                ("figures", "figure_id", "evidence_text"),
                ("statements", "statement_id", "text"),
            )
        } | {
            "reports": conn.execute(
                text("SELECT report_slug, text, body_start, body_end FROM analytics.reports ORDER BY 1")
            ).all()
        }


def test_a_page_saved_with_a_bom_and_crlf_loads_to_the_same_text_and_offsets(
    engine, new_database, seeds_copy
):
    from app.db import make_engine

    page = seeds_copy / "articles" / "000_a65e3a874b89616e.txt"
    plain = page.read_text(encoding="utf-8")
    assert "\r" not in plain and plain.count("\n") > 10
    load_seeds(engine, seeds_copy)
    page.write_bytes(b"\xef\xbb\xbf" + plain.replace("\n", "\r\n").encode("utf-8"))
    windows = make_engine(new_database())
    try:
        load_seeds(windows, seeds_copy)
        assert _spans(windows) == _spans(engine)
    finally:
        windows.dispose()
    page.write_bytes(plain.replace("\n", "\r").encode("utf-8"))  # old Mac line endings: CR alone
    assert not load_seeds(engine, seeds_copy).result.changed
