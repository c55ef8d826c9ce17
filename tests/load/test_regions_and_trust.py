"""National and regional figures load and roll up; drafted mappings load marked as such."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from app.load.seeds import SeedsError, load_seeds
from app.settings import PROJECT_ROOT

ARTICLE_002 = "002_8bb7c323e6b1daaf"
SLUG_002 = "baodantoc-binh-gia-interview"


def _edit(seeds: Path, change, stem: str = ARTICLE_002) -> None:
    path = seeds / "articles" / f"{stem}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _figure(data: dict, key: str) -> dict:
    return next(f for f in data["figures"] if f["key"] == key)


def _rows(engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def test_macro_regions_hold_their_provinces_in_each_era(loaded_engine):
    rows = _rows(
        loaded_engine,
        """SELECT group_code, group_valid_from IS NULL AS before, count(*) FROM analytics.region_members
           WHERE member_level = 'province' GROUP BY 1, 2""",
    )
    counts = {(code, before): n for code, before, n in rows}
    assert counts["VN", True] == 63 and counts["VN", False] == 34
    assert [counts[f"VN-{i}", True] for i in range(1, 7)] == [11, 14, 14, 5, 6, 13]
    assert [counts[f"VN-{i}", False] for i in range(1, 7)] == [6, 9, 8, 3, 3, 5]
    tay_nguyen_today = _rows(
        loaded_engine,
        """SELECT member_name FROM analytics.region_members
           WHERE group_code = 'VN-4' AND group_valid_from = '2025-07-01' ORDER BY 1""",
    )
    assert [r.member_name for r in tay_nguyen_today] == ["Tỉnh Gia Lai", "Tỉnh Lâm Đồng", "Tỉnh Đắk Lắk"]


def test_the_country_and_its_regions_are_regions_of_both_eras(loaded_engine):
    rows = _rows(
        loaded_engine,
        """SELECT region_code, name, level, valid_from, valid_to FROM analytics.regions
           WHERE region_code IN ('VN', 'VN-4') ORDER BY region_code, valid_from NULLS FIRST""",
    )
    assert [(r.region_code, r.name, r.level, str(r.valid_from), str(r.valid_to)) for r in rows] == [
        ("VN", "Việt Nam", "country", "None", "2025-06-30"),
        ("VN", "Việt Nam", "country", "2025-07-01", "None"),
        ("VN-4", "Tây Nguyên", "macro_region", "None", "2025-06-30"),
        ("VN-4", "Tây Nguyên", "macro_region", "2025-07-01", "None"),
    ]


def test_national_and_regional_figures_load_and_roll_up_to_their_provinces(engine, seeds_copy):
    def to_country_and_region(data):
        _figure(data, "poor-households-2023")["region"] = "VN"
        _figure(data, "poor-household-rate-2023")["region"] = "VN-2"

    _edit(seeds_copy, to_country_and_region)
    load_seeds(engine, seeds_copy)
    figures = _rows(
        engine,
        """SELECT figure_id, region_code, region_name, region_level, region_valid_from FROM analytics.figures
           WHERE report_slug = :slug AND region_code LIKE 'VN%' ORDER BY 1""",
        slug=SLUG_002,
    )
    assert [tuple(f)[1:] for f in figures] == [
        ("VN-2", "Trung du và miền núi phía Bắc", "macro_region", None),
        ("VN", "Việt Nam", "country", None),
    ]
    # The roll-up: the provinces of the figure's region, in the figure's era.
    members = _rows(
        engine,
        """SELECT m.member_code FROM analytics.figures f JOIN analytics.region_members m
             ON m.group_code = f.region_code AND m.group_valid_from IS NOT DISTINCT FROM f.region_valid_from
           WHERE f.figure_id = :id AND m.member_level = 'province'""",
        id=f"{SLUG_002}:poor-household-rate-2023",
    )
    assert len(members) == 14 and ("20",) in members and ("06",) in members  # Lạng Sơn, Bắc Kạn


def test_an_unknown_region_code_is_named_with_its_file_and_field(engine, seeds_copy):
    _edit(seeds_copy, lambda data: _figure(data, "poor-households-2023").update(region="VN-7"))
    with pytest.raises(SeedsError) as err:
        load_seeds(engine, seeds_copy)
    message = str(err.value)
    assert f"{ARTICLE_002}.yaml: figures[0].region: Value error, 'VN-7' is no region code" in message


def test_seed_mappings_are_hand_mapped_and_reviewed(loaded_engine):
    for view in ("figures", "funding", "statements", "reports"):
        rows = _rows(loaded_engine, f"SELECT DISTINCT extraction_method, reviewed FROM analytics.{view}")
        assert rows == [("hand_mapped", True)], view
    notes = _rows(
        loaded_engine,
        "SELECT count(*) FROM analytics.figures WHERE confidence IS NOT NULL OR review_note IS NOT NULL",
    )
    assert notes == [(0,)]


def test_a_drafted_mapping_loads_unreviewed_until_one_edit_marks_it_reviewed(engine, seeds_copy):
    def drafted(data):
        data["report"]["drafted_by"] = "povertydb draft 0.1.0"
        figure = _figure(data, "poor-households-2023")
        figure["confidence"] = "low"
        figure["review_note"] = "region guessed from the article's district"
        data["statements"][0]["confidence"] = "high"

    _edit(seeds_copy, drafted)
    load_seeds(engine, seeds_copy)
    for view in ("figures", "funding", "statements", "reports"):
        rows = _rows(engine, f"SELECT report_slug, extraction_method, reviewed FROM analytics.{view}")
        drafted = {(m, r) for s, m, r in rows if s == SLUG_002}
        assert drafted == ({("machine_drafted", False)} if view != "funding" else set()), (
            view
        )  # 002: no funding
        assert {(m, r) for s, m, r in rows if s != SLUG_002} == {("hand_mapped", True)}, view
    (note,) = _rows(
        engine,
        "SELECT confidence, review_note FROM analytics.figures WHERE figure_id = :id",
        id=f"{SLUG_002}:poor-households-2023",
    )
    assert tuple(note) == ("low", "region guessed from the article's district")
    assert _rows(
        engine, "SELECT DISTINCT confidence FROM analytics.statements WHERE report_slug = :s", s=SLUG_002
    )

    _edit(seeds_copy, lambda data: data["report"].update(reviewed=True))
    report = load_seeds(engine, seeds_copy)
    counts = report.result.counts
    assert (counts["reports"].updated, counts["reports"].unchanged) == (1, 4)  # only that report
    for table in ("observations", "funding", "statements"):
        assert (counts[table].inserted, counts[table].updated, counts[table].deleted) == (0, 0, 0), table
    rows = _rows(
        engine,
        "SELECT DISTINCT extraction_method, reviewed FROM analytics.figures WHERE report_slug = :s",
        s=SLUG_002,
    )
    assert rows == [("machine_drafted", True)]


def test_downgrade_to_0004_drops_units_above_provinces_and_a_reload_restores_them(engine, seeds_copy):
    _edit(seeds_copy, lambda data: _figure(data, "poor-households-2023").update(region="VN"))
    load_seeds(engine, seeds_copy)
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    assert _rows(engine, "SELECT count(*) FROM regions WHERE code LIKE 'VN%'") == [(0,)]
    assert "extraction_method" not in {c["name"] for c in inspect(engine).get_columns("figures", "analytics")}
    # A figure about a unit the old schema cannot hold goes with it; the others stay.
    figures = _rows(engine, "SELECT figure_id FROM analytics.figures WHERE report_slug = :s", s=SLUG_002)
    assert figures and (f"{SLUG_002}:poor-households-2023",) not in figures
    load_seeds(engine, seeds_copy)  # migrates to head again
    rows = _rows(
        engine,
        "SELECT region_code, extraction_method FROM analytics.figures WHERE figure_id = :id",
        id=f"{SLUG_002}:poor-households-2023",
    )
    assert rows == [("VN", "hand_mapped")]
