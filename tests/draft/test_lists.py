"""Figures listed after ';' by place, which name their indicator only once."""

from __future__ import annotations

from tests.draft.conftest import figure, left_out, page

FILLER = "Các cấp, các ngành trong tỉnh đã vào cuộc quyết liệt để thực hiện các mục tiêu giảm nghèo đề ra."


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
