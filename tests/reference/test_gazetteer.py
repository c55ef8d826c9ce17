"""The gazetteer read from the GSO files: units of both eras and the succession between them."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from app.vn.units import REFORM_DATE


def test_unit_counts_before_and_after_the_reform(gazetteer):
    counts = Counter((u.level, u.valid_from == REFORM_DATE) for u in gazetteer.units)
    assert counts == {
        ("province", False): 63,
        ("district", False): 696,
        ("commune", False): 10051,
        ("province", True): 34,
        ("commune", True): 3321,
        ("country", False): 1,
        ("country", True): 1,
        ("macro_region", False): 6,
        ("macro_region", True): 6,
    }


def test_pre_reform_units_end_the_day_before_the_reform_and_new_ones_start_on_it(gazetteer):
    assert {(u.valid_from, u.valid_to) for u in gazetteer.units} == {
        (None, dt.date(2025, 6, 30)),
        (REFORM_DATE, None),
    }


def test_names_are_cleaned_but_keep_their_spelling(gazetteer, index):
    before = dt.date(2024, 1, 1)
    assert index.get("058", before).name == "Thành phố Bắc Kạn"  # source: "Thành Phố Bắc Kạn"
    assert index.get("01948", before).name == "Xã Trung Hoà"
    assert all(u.name == u.name.strip() and "  " not in u.name for u in gazetteer.units)
    assert index.get("20", REFORM_DATE).name == "Tỉnh Lạng Sơn"  # source: "Lạng Sơn"


def test_codes_are_reused_across_the_reform(index):
    assert index.get("06457", dt.date(2024, 1, 1)).name == "Xã Minh Hòa"
    assert index.get("06457", REFORM_DATE).name == "Xã Tuấn Sơn"


def _successors(gazetteer, code):
    return {(s.successor_code, s.coverage) for s in gazetteer.successions if s.predecessor_code == code}


def test_provinces_merged_whole_have_one_successor(gazetteer):
    assert _successors(gazetteer, "06") == {("19", "whole")}  # Bắc Kạn -> Thái Nguyên
    assert _successors(gazetteer, "95") == {("96", "whole")}  # Bạc Liêu -> Cà Mau
    assert _successors(gazetteer, "20") == {("20", "whole")}  # Lạng Sơn kept its code


def test_communes_and_districts_map_to_what_covers_them_today(gazetteer):
    assert _successors(gazetteer, "02065") == {("02020", "whole")}  # Xã Bằng Lãng -> Xã Chợ Đồn
    assert _successors(gazetteer, "064") == {("19", "whole")}  # Huyện Chợ Đồn -> Thái Nguyên
    assert _successors(gazetteer, "755") == {("26732", "whole"), ("79", "whole")}  # Côn Đảo


def test_a_unit_split_over_several_successors_is_partial_in_each(gazetteer):
    by_old = Counter(s.predecessor_code for s in gazetteer.successions if len(s.predecessor_code) == 5)
    split = [code for code, n in by_old.items() if n > 1]
    assert split
    for code in split:
        assert {c for _, c in _successors(gazetteer, code)} == {"partial"}


def test_renumbered_wards_are_repaired_by_name_and_gaps_are_reported(gazetteer):
    assert any("read as 26935 (Phường 14)" in n for n in gazetteer.notes)
    assert any("pre-reform communes have no successor" in n for n in gazetteer.notes)
    every_province = {s.predecessor_code for s in gazetteer.successions if len(s.predecessor_code) == 2}
    assert len(every_province) == 63


def test_a_new_province_sits_in_the_region_of_its_predecessors_or_of_the_one_whose_name_it_keeps(
    gazetteer, index
):
    region = {
        (m.member_code, m.valid_from): m.group_code
        for m in gazetteer.memberships
        if m.group_code != "VN" and len(m.member_code) == 2
    }
    predecessors: dict[str, set[str]] = {}
    for s in gazetteer.successions:
        if len(s.predecessor_code) == 2 and len(s.successor_code) == 2:
            predecessors.setdefault(s.successor_code, set()).add(s.predecessor_code)
    mixed = {}
    for code, olds in predecessors.items():
        regions = {region[(old, None)] for old in olds}
        if len(regions) == 1:
            assert region[(code, REFORM_DATE)] == regions.pop(), code
        else:
            mixed[code] = region[(code, REFORM_DATE)]
    # The seven documented in docs/mapping-format.md; each keeps the region of its name-giver.
    assert mixed == {
        "24": "VN-1",
        "25": "VN-2",
        "51": "VN-3",
        "52": "VN-4",
        "66": "VN-4",
        "68": "VN-4",
        "80": "VN-5",
    }
    for code in mixed:
        namesake = next(
            old
            for old in predecessors[code]
            if index.get(old, dt.date(2024, 1, 1)).name_folded == index.get(code, REFORM_DATE).name_folded
        )
        assert region[(namesake, None)] == mixed[code], code
