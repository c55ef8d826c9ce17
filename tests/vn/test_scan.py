"""Every number-like token is classified; the figures of the seed articles read right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.vn.scan import classify_numbers
from tests.vn.conftest import article

ARTICLES = ("000", "001", "002", "003", "004")


@pytest.mark.parametrize("stem", ARTICLES)
def test_no_number_like_token_of_a_seed_page_is_left_unclassified(stem):
    text = article(stem)
    tokens = classify_numbers(text)
    assert tokens, "the page has numbers"
    assert [text[t.start - 20 : t.end + 10] for t in tokens if t.kind == "unclassified"] == []


@pytest.mark.parametrize(
    ("text", "token", "kind"),
    [
        ("Lan Chi 27/02/2024 - 14:24", "14", "time"),
        ("Lan Chi 27/02/2024 - 14:24", "2024", "date"),
        ("0:00 / 0:00", "00", "time"),
        ("Sáng 28/4, dự Hội nghị", "28", "date"),
        ("dt3-1ece3c46ad25.jpg", "3", "code"),
        ("giam-ngheo-88400.html", "88400", "code"),
        ("Hội nghị Thượng đỉnh G20 tại Nam Phi", "20", "code"),
        ("đa dạng hóa sinh kế (Dự án 2) còn", "2", "label"),
        ("UBND Phường 5 (TP. Bạc Liêu)", "5", "label"),
        ("Nghị quyết số 10 của Ban", "10", "label"),
        ("giảm nghèo bền vững ảnh 1\n\nGia đình anh", "1", "label"),
        ("Đại hội Đảng bộ huyện lần thứ XXV đã đề ra", "XXV", "ordinal"),
        ("xã vùng III, thôn đặc biệt khó khăn", "III", "ordinal"),
        ("đào tạo nghề cho hơn 14.600 người", "14.600", "quantity"),
        ("với tổng số 1.186.300 hộ nghèo và cận nghèo", "1.186.300", "quantity"),
        ("Tổng số 86 hộ được hỗ trợ", "86", "quantity"),
        ("nhà số 14 đường Trần Phú", "14", "label"),
        ("trong năm 2023, qua rà soát", "2023", "year"),
        ("Liên hệ 0912 345 678", "0912", "phone"),
    ],
)
def test_token_kinds(text, token, kind):
    found = [t for t in classify_numbers(text) if t.text == token]
    assert found and found[0].kind == kind


# (article, exact words, value, high, qualifier, unit) for figures of the four unmapped articles.
FIGURES = [
    ("000", "hơn 18.300 hộ", "18300", None, "more_than", "hộ"),
    ("000", "chiếm 22,25%", "22.25", None, None, "%"),
    ("000", "giảm 2,46%", "2.46", None, None, "%"),
    ("000", "từ 2-2,5%/năm", "2", "2.5", None, "%"),
    ("000", "trên 3.300 hộ", "3300", None, "more_than", "hộ"),
    ("000", "trên 473 tỷ đồng", "473000000000", None, "more_than", "đồng"),
    ("000", "157 dự án", "157", None, None, "dự án"),
    ("000", "1.693 người", "1693", None, None, "người"),
    ("001", "108 hộ thoát nghèo", "108", None, None, "hộ"),
    ("001", "4.145 lao động", "4145", None, None, "lao động"),
    ("001", "13,4 tỷ đồng", "13400000000", None, None, "đồng"),
    ("001", "2.050 thẻ bảo hiểm y tế", "2050", None, None, "thẻ"),
    ("001", "hơn 170 hộ nghèo", "170", None, "more_than", "hộ"),
    ("001", "128 căn nhà", "128", None, None, "căn nhà"),
    ("001", "5,7 tỷ đồng", "5700000000", None, None, "đồng"),
    ("002", "2.100 hộ nghèo", "2100", None, None, "hộ"),
    ("002", "tỷ lệ 26,63%", "26.63", None, None, "%"),
    ("002", "giảm thêm 4-5%", "4", "5", None, "%"),
    ("002", "47/88 xã", "47", None, None, "xã"),
    ("003", "hơn 3.000 người", "3000", None, "more_than", "người"),
    ("003", "gần 20 lớp", "20", None, "nearly", "lớp"),
    ("003", "hơn 270 tỷ đồng", "270000000000", None, "more_than", "đồng"),
    ("003", "hơn 17 tỷ đồng", "17000000000", None, "more_than", "đồng"),
    ("003", "1.552 hộ thoát nghèo", "1552", None, None, "hộ"),
]


@pytest.mark.parametrize(("stem", "words", "value", "high", "qualifier", "unit"), FIGURES)
def test_figures_of_the_seed_articles_read_right(stem, words, value, high, qualifier, unit):
    text = article(stem)
    at = text.index(words)
    (token,) = [
        t for t in classify_numbers(text) if t.kind == "quantity" and at <= t.start < at + len(words)
    ][:1]
    q = token.quantity
    assert (q.value, q.value_high, q.qualifier, q.unit) == (
        Decimal(value),
        Decimal(high) if high else None,
        qualifier,
        unit,
    )


@pytest.mark.parametrize(
    ("text", "token", "unit", "per"),
    [
        ("Chuẩn nghèo nông thôn là 644.000đ/người/tháng.", "644.000", "đồng", ("người", "tháng")),
        ("Mức hỗ trợ 644.000 đ mỗi tháng", "644.000", "đồng", ()),
        ("với tổng kinh phí trên 227 tỉ đồng", "227", "đồng", ()),
        ("giảm 0,5 điểm phần trăm", "0,5", "điểm phần trăm", ()),
    ],
)
def test_amounts_with_a_glued_dong_and_rates_are_quantities_not_codes(text, token, unit, per):
    (found,) = [t for t in classify_numbers(text) if t.text == token]
    assert found.kind == "quantity"
    assert (found.quantity.unit, found.quantity.per) == (unit, per)


def test_ti_and_ty_spellings_give_the_same_amount():
    values = [classify_numbers(f"trên 227 {w} đồng")[0].quantity.value for w in ("tỉ", "tỷ")]
    assert values == [Decimal(227 * 10**9)] * 2
