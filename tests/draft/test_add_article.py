"""add-article end to end (text and HTML pages, loaded into a real database) and bad input."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from app.cli import cli

PAGES = Path(__file__).parent / "pages"
HTML_URL = "https://baothunghiem.example/hoa-binh-2023.html"


def _articles(seeds: Path) -> set[str]:
    return {p.name for p in (seeds / "articles").iterdir()}


def _add(seeds: Path, page: Path, *args: str):
    return CliRunner().invoke(cli, ["add-article", str(page), *args], env={"POVERTYDB_SEEDS_DIR": str(seeds)})


def _load_and_read(db_url: str, seeds: Path, columns: str, slug_start: str) -> list:
    """load-seeds `seeds` into `db_url`, then `columns` of the figures whose report slug starts
    with `slug_start`, in text order; `exact` says whether the offsets give back the evidence."""
    from app.db import make_engine

    load = CliRunner().invoke(
        cli, ["load-seeds"], env={"DATABASE_URL": db_url, "POVERTYDB_SEEDS_DIR": str(seeds)}
    )
    assert load.exit_code == 0, load.output
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return conn.execute(
                text(f"""
                SELECT {columns},
                       substr(r.text, f.char_start + 1, f.char_end - f.char_start) = f.evidence_text AS exact
                FROM analytics.figures f JOIN analytics.reports r USING (report_slug)
                WHERE f.report_slug LIKE :slug ORDER BY f.char_start
                """),
                {"slug": slug_start + "%"},
            ).all()
    finally:
        engine.dispose()


def _figures(db_url: str, seeds: Path, slug_start: str) -> list:
    return _load_and_read(db_url, seeds, "f.indicator_code, f.value, f.evidence_text", slug_start)


def test_a_text_page_is_stored_drafted_checked_and_loads_into_analytics_figures(seeds_copy, db_url):
    before = _articles(seeds_copy)
    result = _add(seeds_copy, PAGES / "lao_cai.txt")
    assert result.exit_code == 0, result.output
    new = _articles(seeds_copy) - before
    digest = hashlib.sha256((PAGES / "lao_cai.txt").read_text(encoding="utf-8").encode()).hexdigest()[:16]
    assert new == {f"005_{digest}.txt", f"005_{digest}.yaml"}
    assert "Drafted: " in result.output and "figures" in result.output
    mapping = (seeds_copy / "articles" / f"005_{digest}.yaml").read_text(encoding="utf-8")
    assert "reviewed: false" in mapping and "drafted_by: povertydb draft" in mapping
    rows = _figures(db_url, seeds_copy, "lao-cai")
    values = {(r.indicator_code, float(r.value)) for r in rows}
    assert ("households_escaped_poverty", 2640.0) in values
    assert ("poor_household_rate_change", -3.05) in values
    assert ("workers_abroad", 1450.0) in values
    assert all(r[3] for r in rows), "every figure's evidence is its exact span"
    assert not any("1.900" in r.evidence_text for r in rows), "a teaser's figure was drafted"


def test_an_html_page_goes_through_extraction_and_loads(seeds_copy, db_url):
    result = _add(seeds_copy, PAGES / "hoa_binh.html", "--url", HTML_URL)
    assert result.exit_code == 0, result.output
    [stored] = [p for p in (seeds_copy / "articles").glob("005_*.txt")]
    stored_text = stored.read_text(encoding="utf-8")
    assert "Bình luận" not in stored_text and "Lượt truy cập" not in stored_text and "<p>" not in stored_text
    mapping = stored.with_suffix(".yaml").read_text(encoding="utf-8")
    assert f"url: {HTML_URL}" in mapping and "published: 15/01/2024" in mapping
    rows = _figures(db_url, seeds_copy, "hoa-binh")
    values = {(r.indicator_code, float(r.value)) for r in rows}
    assert ("great_unity_houses", 420.0) in values
    assert ("poor_households_change", -3112.0) in values


def test_a_page_added_twice_is_refused_and_nothing_more_is_stored(seeds_copy):
    assert _add(seeds_copy, PAGES / "lao_cai.txt").exit_code == 0
    before = _articles(seeds_copy)
    again = _add(seeds_copy, PAGES / "lao_cai.txt")
    assert again.exit_code != 0 and "already added" in again.output
    assert _articles(seeds_copy) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file"),
        (b"", "empty"),
        (b"   \n\n  \n", "empty"),
        (
            "Giảm nghèo bền vững".encode("cp1258", errors="replace") + b"\xe0\xe1\xe2 ngh\xe8o",
            "unknown encoding",
        ),
        ("Trang chủ\nĐăng nhập\nLiên hệ\n".encode(), "no article found"),
        (
            b"<html><head><meta charset='utf-8'></head><body><nav>Trang ch\xe1\xbb\xa7</nav></body></html>",
            "no article found",
        ),
    ],
)
def test_bad_input_is_a_clear_message_a_non_zero_exit_and_nothing_stored(
    seeds_copy, tmp_path, content, message
):
    page = tmp_path / "page.txt"
    page.write_bytes(content)
    before = _articles(seeds_copy)
    result = _add(seeds_copy, page)
    assert result.exit_code == 1
    assert message in result.output and str(page) in result.output
    assert "Traceback" not in result.output
    assert _articles(seeds_copy) == before


def test_draft_prints_the_mapping_and_stores_nothing(seeds_copy):
    before = _articles(seeds_copy)
    result = CliRunner().invoke(
        cli, ["draft", str(PAGES / "lao_cai.txt")], env={"POVERTYDB_SEEDS_DIR": str(seeds_copy)}
    )
    assert result.exit_code == 0, result.output
    assert "indicator: households_escaped_poverty" in result.output
    assert _articles(seeds_copy) == before


def test_an_operator_date_is_used_when_the_page_prints_none(seeds_copy):
    page = PAGES / "lao_cai.txt"
    undated = page.read_text(encoding="utf-8").replace("Thanh Hà - 08:45, 18/01/2024", "Thanh Hà")
    path = seeds_copy.parent / "undated.txt"
    path.write_text(undated, encoding="utf-8")
    result = _add(seeds_copy, path, "--published", "2024-01-18")
    assert result.exit_code == 0, result.output
    [mapping] = (seeds_copy / "articles").glob("005_*.yaml")
    assert "regions_valid_on: '2024-01-18'" in mapping.read_text(encoding="utf-8")


def _trust_rows(db_url: str, seeds: Path, slug_start: str) -> list:
    return _load_and_read(
        db_url, seeds, "f.region_code, f.value, f.extraction_method, f.reviewed", slug_start
    )


def test_national_and_regional_figures_load_as_machine_drafted_until_marked_reviewed(seeds_copy, db_url):
    result = _add(seeds_copy, PAGES / "ca_nuoc.txt")
    assert result.exit_code == 0, result.output
    rows = _trust_rows(db_url, seeds_copy, "ca-nuoc")
    by_value = {float(r.value): r for r in rows}
    assert by_value[2.93].region_code == "VN" and by_value[812400.0].region_code == "VN"
    assert by_value[6.27].region_code == "VN-4"
    assert by_value[245000.0].region_code == "VN", "the policy bank's name is not a region of its own"
    assert {(r.extraction_method, r.reviewed) for r in rows} == {("machine_drafted", False)}
    assert all(r.exact for r in rows), "every figure's evidence is its exact span"

    [stored] = (seeds_copy / "articles").glob("005_*.yaml")
    draft = stored.read_text(encoding="utf-8")
    assert draft.count("reviewed: false") == 2  # the header comment and the report's field
    stored.write_text(draft.replace("  reviewed: false\n", "  reviewed: true\n", 1), encoding="utf-8")
    reviewed = _trust_rows(db_url, seeds_copy, "ca-nuoc")
    assert {(r.extraction_method, r.reviewed) for r in reviewed} == {("machine_drafted", True)}
    assert sorted((r.region_code, float(r.value)) for r in reviewed) == sorted(
        (r.region_code, float(r.value)) for r in rows
    )
