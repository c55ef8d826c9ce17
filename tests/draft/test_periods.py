"""Which period a drafted figure is of, when the sentence does not say it next to the number."""

from __future__ import annotations

import pytest

from tests.draft.conftest import FILLER, figure, page


def test_the_level_before_a_fall_is_of_the_year_before(draft_of):
    m = draft_of(
        page(
            "Đến cuối năm 2023, tỷ lệ hộ nghèo toàn tỉnh giảm từ 21,4% xuống còn 18,9%, vượt kế hoạch. "
            + FILLER
        )
    )
    before, after = figure(m, "21,4%"), figure(m, "18,9%")
    assert (before["indicator"], before["value"], before["period"]) == ("poor_household_rate", 21.4, "2022")
    assert "year before assumed" in before["review_note"]
    assert (after["indicator"], after["value"], after["period"]) == ("poor_household_rate", 18.9, "2023")


def test_the_level_before_a_fall_is_of_the_year_it_is_compared_with(draft_of):
    m = draft_of(
        page(f"Năm 2023, tỷ lệ hộ nghèo giảm từ 9,1% xuống 7,3%, giảm 1,8% so với năm 2021. {FILLER}")
    )
    periods = {f["value"]: f["period"] for f in m["figures"]}
    assert (periods[9.1], periods[7.3], periods[-1.8]) == ("2021", "2023", "2023")


def test_a_year_printed_right_after_a_number_is_that_numbers_own(draft_of):
    m = draft_of(page(f"Tỷ lệ hộ nghèo của tỉnh đã giảm từ 5,2% năm 2022 xuống 3,8% năm 2023. {FILLER}"))
    assert (figure(m, "5,2%")["period"], figure(m, "3,8%")["period"]) == ("2022", "2023")


def test_a_new_subject_after_va_names_the_next_number_not_this_one(draft_of):
    m = draft_of(
        page(
            "Năm 2023, tỷ lệ hộ nghèo giảm xuống còn 10,1% và tỷ lệ hộ cận nghèo còn 8,2% toàn tỉnh. "
            + FILLER
        )
    )
    assert figure(m, "10,1%")["indicator"] == "poor_household_rate"
    assert figure(m, "8,2%")["indicator"] == "near_poor_household_rate"


def test_a_target_year_does_not_carry_into_a_later_actual_result(draft_of):
    m = draft_of(
        page(
            f"Năm 2023, toàn tỉnh có 1.210 hộ thoát nghèo. {FILLER}",
            "Mục tiêu năm 2025 của tỉnh là giảm tỷ lệ hộ nghèo xuống dưới 10%.",
            f"Huyện đã hỗ trợ xây mới 350 căn nhà cho hộ nghèo. {FILLER}",
            byline="Ngọc Lan 10/03/2024 - 09:15",
        )
    )
    assert figure(m, "10%")["period"] == "2025"
    assert figure(m, "350")["period"] != "2025"


def test_a_month_carried_into_a_new_paragraph_widens_to_its_year(draft_of):
    m = draft_of(
        page(
            "Đến hết tháng 11/2023, toàn tỉnh đã giải ngân 604 tỷ đồng vốn chương trình giảm nghèo. "
            + FILLER,
            f"Trong năm, toàn tỉnh đã đào tạo nghề cho 6.450 lao động nông thôn. {FILLER}",
        )
    )
    assert m["funding"][0]["period"] == "2023-11"  # in its own paragraph the month holds
    assert figure(m, "6.450")["period"] == "2023"


@pytest.mark.parametrize(
    ("words", "period"),
    [
        ("9 tháng đầu năm 2025", "2025-01-01/2025-09-30"),
        ("3 tháng đầu năm 2024", "2024-01-01/2024-03-31"),
        ("6 tháng đầu năm 2023", "2023-01-01/2023-06-30"),
    ],
)
def test_the_first_months_of_a_year_are_that_part_of_it(draft_of, words, period):
    m = draft_of(page(f"{words}, toàn tỉnh có 215 hộ thoát nghèo. " + FILLER))
    assert figure(m, "215")["period"] == period
