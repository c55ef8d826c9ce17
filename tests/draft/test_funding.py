"""Funding items: the status and source cue nearest each amount is that amount's."""

from __future__ import annotations

from tests.draft.conftest import FILLER, page


def test_each_amount_of_a_breakdown_takes_the_source_and_status_named_at_it(draft_of):
    m = draft_of(
        page(
            "Năm 2023, tổng nguồn vốn thực hiện các chương trình giảm nghèo trên địa bàn tỉnh là "
            "1.020 tỷ đồng, trong đó ngân sách Trung ương 850 tỷ đồng, ngân sách địa phương đối ứng "
            "120 tỷ đồng, huy động xã hội hóa 50 tỷ đồng. " + FILLER
        )
    )
    got = {f["amount_vnd"] // 10**9: (f["status"], f["source"]) for f in m["funding"]}
    assert got == {
        1020: ("allocated", "national_target_program"),
        850: ("allocated", "central_budget"),
        120: ("allocated", "local_budget"),
        50: ("mobilised", "social_mobilisation"),
    }


def test_a_disbursement_rate_is_a_figure_and_a_programs_name_is_no_target(draft_of):
    m = draft_of(
        page(
            "Năm 2023, tỷ lệ giải ngân vốn Chương trình mục tiêu quốc gia giảm nghèo bền vững đạt 92,5%. "
            + FILLER
        )
    )
    [rate] = m["figures"]
    assert (rate["indicator"], rate["value"], rate["status"]) == ("funding_disbursement_rate", 92.5, "actual")


def test_a_total_followed_by_what_was_disbursed_of_it_is_allocated(draft_of):
    m = draft_of(
        page(
            "Tổng kinh phí thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững năm 2024 là "
            "318,4 tỷ đồng, đến hết tháng 12/2024 đã giải ngân 297,2 tỷ đồng. " + FILLER
        )
    )
    got = {f["amount_vnd"] / 10**9: f["status"] for f in m["funding"]}
    assert got == {318.4: "allocated", 297.2: "disbursed"}


def test_a_total_spent_with_no_disbursement_after_it_stays_disbursed(draft_of):
    m = draft_of(page("Năm 2023, tổng kinh phí hỗ trợ làm nhà cho hộ nghèo là 12,6 tỷ đồng. " + FILLER))
    assert [f["status"] for f in m["funding"]] == ["disbursed"]


def test_an_amount_for_each_house_or_person_is_no_funding_total(draft_of):
    m = draft_of(
        page(
            "Năm 2024, tỉnh hỗ trợ xây mới 420 căn nhà cho hộ nghèo với mức 60 triệu đồng/căn; người học "
            "nghề được hỗ trợ tiền ăn 35.000 đồng/người/ngày. Mỗi hộ còn được hỗ trợ 8 triệu đồng. " + FILLER
        )
    )
    assert m.get("funding", []) == []
    reasons = {item["reason"] for item in m["left_out"]}
    assert reasons == {"an amount for each one, not a total"}
    assert len(m["left_out"]) == 3


def test_a_clause_opening_with_outstanding_credit_names_its_amount(draft_of):
    m = draft_of(
        page(
            "Tổng dư nợ các chương trình tín dụng chính sách trên địa bàn đến ngày 31/12/2023 đạt "
            "4.870 tỷ đồng. " + FILLER
        )
    )
    [credit] = m["figures"]
    assert (credit["indicator"], credit["value"], credit["confidence"]) == (
        "policy_credit_outstanding",
        4870 * 10**9,
        "high",
    )
    assert m.get("funding", []) == []
