"""Changes against levels: "giảm … từ X%" is by how much, "giảm từ X xuống Y" two levels."""

from __future__ import annotations

from tests.draft.conftest import FILLER, figure, page


def test_a_target_to_cut_the_rate_by_a_range_is_a_signed_change(draft_of):
    m = draft_of(page("Năm 2025, tỉnh phấn đấu giảm tỷ lệ hộ nghèo từ 5 - 6% so với năm 2024. " + FILLER))
    cut = figure(m, "5 - 6%")
    assert (cut["indicator"], cut["value"], cut["value_high"]) == ("poor_household_rate_change", -6, -5)
    assert (cut["status"], cut["period"], cut["baseline"]) == ("target", "2025", "2024")


def test_falling_from_one_count_to_another_gives_two_levels_of_two_years(draft_of):
    m = draft_of(page("Năm 2023, toàn tỉnh giảm số hộ nghèo từ 1.200 hộ xuống còn 900 hộ. " + FILLER))
    before, after = figure(m, "1.200"), figure(m, "900 hộ")
    assert (before["indicator"], before["value"], before["period"]) == ("poor_households", 1200, "2022")
    assert (after["indicator"], after["value"], after["period"]) == ("poor_households", 900, "2023")


def test_an_estimate_with_bare_uoc_is_expected_and_subgroup_rates_keep_their_subgroup(draft_of):
    m = draft_of(
        page(
            "Năm 2024, tỷ lệ hộ nghèo tại các huyện nghèo ước còn 24,86%, giảm 5,4 điểm phần trăm; "
            "tỷ lệ hộ nghèo đồng bào dân tộc thiểu số còn 12,55%, giảm 4,27 điểm phần trăm. " + FILLER
        )
    )
    got = {f["value"]: (f["indicator"], f["status"]) for f in m["figures"]}
    assert got == {
        24.86: ("poor_district_poor_household_rate", "expected"),
        -5.4: ("poor_district_poor_household_rate_change", "expected"),
        12.55: ("ethnic_minority_poor_household_rate", "expected"),
        -4.27: ("ethnic_minority_poor_household_rate_change", "expected"),
    }


def test_a_village_convention_is_no_estimate(draft_of):
    m = draft_of(page("Năm 2023, theo hương ước của thôn, toàn xã có 120 hộ thoát nghèo. " + FILLER))
    assert figure(m, "120")["status"] == "actual"


def test_a_fall_in_households_equivalent_to_a_rate_is_the_rates_fall(draft_of):
    m = draft_of(page("Năm 2024, toàn tỉnh giảm được 3.480 hộ nghèo, tương đương 1,12%. " + FILLER))
    got = {f["value"]: (f["indicator"], f["period"]) for f in m["figures"]}
    assert got == {
        -3480: ("poor_households_change", "2024"),
        -1.12: ("poor_household_rate_change", "2024"),
    }


def test_a_fall_of_the_rate_per_year_is_the_annual_reduction_positive(draft_of):
    m = draft_of(page("Giai đoạn 2021-2025, tỉnh phấn đấu giảm tỷ lệ hộ nghèo bình quân 2,5%/năm. " + FILLER))
    cut = figure(m, "2,5%")
    assert (cut["indicator"], cut["value"], cut["status"], cut["period"]) == (
        "poor_household_rate_annual_reduction",
        2.5,
        "target",
        "2021-2025",
    )
