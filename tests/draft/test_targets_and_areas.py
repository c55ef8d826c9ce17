"""A result set against a target, the target printed in brackets, and rates of urban and rural areas."""

from __future__ import annotations

from tests.draft.conftest import FILLER, figure, page


def test_a_target_in_brackets_is_the_subjects_target_and_the_result_stays_actual(draft_of):
    m = draft_of(
        page(
            "Cuối năm 2024, toàn tỉnh còn 5.410 hộ nghèo, chiếm tỷ lệ 2,91%, thấp hơn chỉ tiêu kế hoạch "
            "được giao (3,1%). Trong đó, tỷ lệ hộ nghèo khu vực thành thị chiếm 0,6%. " + FILLER
        )
    )
    result, target = figure(m, "2,91%"), figure(m, "3,1%")
    assert (result["indicator"], result["status"]) == ("poor_household_rate", "actual")
    assert (target["indicator"], target["status"], target["period"]) == (
        "poor_household_rate",
        "target",
        "2024",
    )
    # "Trong đó" inherits the sentence before's status: a comparison with a target is none.
    assert figure(m, "0,6%")["status"] == "actual"


def test_a_result_above_the_plan_is_actual(draft_of):
    m = draft_of(page("Năm 2023, tỷ lệ hộ nghèo giảm còn 4,2%, vượt chỉ tiêu kế hoạch đề ra. " + FILLER))
    assert figure(m, "4,2%")["status"] == "actual"


def test_urban_and_rural_rates_are_their_areas_not_the_whole_region(draft_of):
    m = draft_of(
        page(
            "Năm 2024, tỷ lệ hộ nghèo toàn tỉnh là 3,4%; trong đó tỷ lệ hộ nghèo khu vực thành thị "
            "chiếm 0,5%, khu vực nông thôn chiếm 4,7%. " + FILLER
        )
    )
    got = {f["value"]: f["indicator"] for f in m["figures"]}
    assert got == {
        3.4: "poor_household_rate",
        0.5: "urban_poor_household_rate",
        4.7: "rural_poor_household_rate",
    }


def test_a_rural_share_of_trained_workers_is_no_poverty_rate(draft_of):
    m = draft_of(page("Năm 2024, tỷ lệ lao động qua đào tạo khu vực nông thôn đạt 61,5%. " + FILLER))
    assert all(f["indicator"] != "rural_poor_household_rate" for f in m.get("figures", []))
