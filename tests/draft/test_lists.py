"""Figures listed after ';' by place, which name their indicator only once."""

from __future__ import annotations

from tests.draft.conftest import FILLER, figure, left_out, page


def test_places_listed_after_a_semicolon_take_the_first_items_indicator(draft_of):
    m = draft_of(
        page(
            "Năm 2023, huyện Mèo Vạc có tỷ lệ hộ nghèo cao nhất tỉnh với 48,6%; huyện Đồng Văn 45,1%; "
            "huyện Yên Minh còn 40,2%. " + FILLER
        )
    )
    first, second, third = figure(m, "48,6%"), figure(m, "45,1%"), figure(m, "40,2%")
    assert {f["indicator"] for f in (first, second, third)} == {"poor_household_rate"}
    assert [f["region"] for f in (first, second, third)] == ["027", "026", "028"]
    assert second["confidence"] == "medium" and "first item" in second["review_note"]


def test_a_listed_number_of_another_unit_is_not_given_the_lists_indicator(draft_of):
    m = draft_of(
        page(
            "Năm 2023, huyện Mèo Vạc có tỷ lệ hộ nghèo cao nhất tỉnh với 48,6%; huyện Đồng Văn 45 thôn. "
            + FILLER
        )
    )
    assert left_out(m, "45 thôn")["reason"] == "indicator not recognised"


def test_years_listed_after_a_semicolon_take_the_first_items_indicator_and_their_own_year(draft_of):
    m = draft_of(
        page("Tỷ lệ hộ nghèo của tỉnh năm 2022 là 6,5%; năm 2023 là 5,1%; năm 2024 còn 3,9%. " + FILLER)
    )
    got = {f["value"]: (f["indicator"], f["period"]) for f in m["figures"]}
    assert got == {
        6.5: ("poor_household_rate", "2022"),
        5.1: ("poor_household_rate", "2023"),
        3.9: ("poor_household_rate", "2024"),
    }


def test_the_rise_of_an_income_is_no_funding_but_added_capital_is(draft_of):
    m = draft_of(
        page(
            "Thu nhập bình quân đầu người của hộ nghèo năm 2023 đạt 28,5 triệu đồng/người/năm, "
            "tăng 3,2 triệu đồng so với năm 2022. Năm 2023, tỉnh tăng thêm 50 tỷ đồng vốn cho "
            "chương trình giảm nghèo. " + FILLER
        )
    )
    assert figure(m, "28,5")["indicator"] == "poor_household_average_income"
    assert left_out(m, "3,2 triệu")["reason"] == "a change of the amount before it, not a funding item"
    assert [f["amount_vnd"] for f in m["funding"]] == [50_000_000_000]


def test_regions_listed_after_a_semicolon_take_the_first_items_indicator(draft_of):
    m = draft_of(
        page(
            "Năm 2024, vùng Đồng bằng sông Cửu Long có tỷ lệ nghèo đa chiều là 7,4%; "
            "vùng Tây Nguyên là 11,2%; vùng Đông Nam Bộ thấp nhất với 0,2%. " + FILLER
        )
    )
    got = {f["value"]: (f["indicator"], f["region"]) for f in m["figures"]}
    assert got == {
        7.4: ("multidimensional_poor_near_poor_rate", "VN-6"),
        11.2: ("multidimensional_poor_near_poor_rate", "VN-4"),
        0.2: ("multidimensional_poor_near_poor_rate", "VN-5"),
    }


def test_a_part_of_the_figure_before_it_is_left_out_not_a_second_figure(draft_of):
    m = draft_of(
        page(
            "Năm 2023, tỉnh đào tạo nghề cho 4.120 lao động nông thôn, trong đó có 960 người thuộc hộ "
            "nghèo; giải quyết việc làm cho 8.300 lao động. " + FILLER
        )
    )
    assert figure(m, "4.120")["indicator"] == "vocational_trainees"
    assert left_out(m, "960")["reason"] == "a part of the figure before it"
    assert figure(m, "8.300")["indicator"] == "workers_employed"
