"""The draft's last step: a fact the checker rejects goes under left_out with the reason."""

from __future__ import annotations

from app.draft.body import layout
from app.draft.repair import problems_of, repair
from tests.draft.conftest import page

TEXT = page(
    "Năm 2023, toàn tỉnh còn 15.420 hộ nghèo, chiếm tỷ lệ 17,8% tổng số hộ dân trên địa bàn toàn tỉnh.",
    "Các cấp, các ngành trong tỉnh đã vào cuộc quyết liệt để thực hiện các mục tiêu giảm nghèo đề ra.",
)


def test_a_rejected_figure_moves_to_left_out_and_the_draft_then_passes(drafter, reference):
    mapping = drafter.draft(TEXT).mapping
    wrong = next(f for f in mapping["figures"] if "15.420" in f["quote"])
    wrong["value"] = 15421  # what a drafter bug would write
    assert problems_of(mapping, TEXT, reference)
    reviews: list[str] = []
    fixed = repair(mapping, TEXT, layout(TEXT).body, reference, reviews)
    assert problems_of(fixed, TEXT, reference) == []
    [moved] = [x for x in fixed["left_out"] if "15.420" in x["quote"]]
    assert moved["reason"].startswith("the drafter could not verify it")
    assert any("moved to left_out" in r for r in reviews)


def test_a_number_no_fact_covers_is_left_out_as_missed(drafter, reference):
    mapping = drafter.draft(TEXT).mapping
    mapping["figures"] = [f for f in mapping["figures"] if "17,8%" not in f["quote"]]
    fixed = repair(mapping, TEXT, layout(TEXT).body, reference, [])
    assert problems_of(fixed, TEXT, reference) == []
    assert any(x["reason"] == "a number the drafter missed" for x in fixed["left_out"])
