"""Vietnamese number and quantity parsing, on hand-made text and as properties."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.vn.numbers import canonical_spelling, find_quantities, format_number, parse_number


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("18.300", "18300"),
        ("1.586.336", "1586336"),
        ("22,25", "22.25"),
        ("13,4", "13.4"),
        ("0,1", "0.1"),
        ("7", "7"),
    ],
)
def test_parse_number_uses_dot_grouping_and_decimal_comma(token, value):
    assert parse_number(token) == Decimal(value)


@pytest.mark.parametrize("token", ["1.5", "18,300.5", "", "abc", "1..000"])
def test_parse_number_refuses_what_is_not_a_vietnamese_number(token):
    with pytest.raises(ValueError):
        parse_number(token)


@pytest.mark.parametrize(
    ("text", "value", "high", "qualifier", "unit"),
    [
        ("giảm 1.890 hộ nghèo", "1890", None, None, "hộ"),
        ("còn 19,65%", "19.65", None, None, "%"),
        ("đầu tư hơn 272 tỷ đồng", "272000000000", None, "more_than", "đồng"),
        ("được 13,4 tỷ đồng", "13400000000", None, None, "đồng"),
        ("vượt chỉ tiêu từ 2-2,5%/năm", "2", "2.5", None, "%"),
        ("sẽ giảm thêm 4-5%.", "4", "5", None, "%"),
        ("tối thiểu 500 người lao động", "500", None, "at_least", "người"),
        ("ít nhất 10 dự án", "10", None, "at_least", "dự án"),
        ("gần 20 lớp đào tạo", "20", None, "nearly", "lớp"),
        ("khoảng 280 hộ", "280", None, "about", "hộ"),
        ("trên 3.300 hộ", "3300", None, "more_than", "hộ"),
        ("tối đa 5 mô hình", "5", None, "at_most", "mô hình"),
        ("dưới 2 triệu đồng", "2000000", None, "less_than", "đồng"),
        ("cất 128 căn nhà", "128", None, None, "căn nhà"),
        ("cấp 2.050 thẻ bảo hiểm", "2050", None, None, "thẻ"),
        ("23 công trình", "23", None, None, "công trình"),
        ("5 nghìn người", "5000", None, None, "người"),
    ],
)
def test_find_quantities_reads_value_range_qualifier_magnitude_and_unit(text, value, high, qualifier, unit):
    (q,) = find_quantities(text)
    assert (q.value, q.value_high, q.qualifier, q.unit) == (
        Decimal(value),
        Decimal(high) if high else None,
        qualifier,
        unit,
    )
    assert text[q.start : q.end] == q.text


@pytest.mark.parametrize("text", ["27/02/2024 - 14:24", "0:00 / 0:00", "08:31, 01/12/2024", "ngày 16/11"])
def test_dates_and_times_are_not_read_as_quantities(text):
    assert find_quantities(text) == []


def test_a_fraction_with_its_unit_is_a_quantity_of_a_whole():
    fractions = find_quantities("tỉnh có 47/88 xã và 315/644 thôn thoát khỏi diện đặc biệt khó khăn")
    assert [(q.value, q.denominator, q.unit) for q in fractions] == [
        (Decimal(47), Decimal(88), "xã"),
        (Decimal(315), Decimal(644), "thôn"),
    ]


@given(st.integers(min_value=0, max_value=10**15))
def test_formatting_an_integer_the_vietnamese_way_parses_back(n):
    assert parse_number(format_number(n)) == n


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_formatting_a_decimal_the_vietnamese_way_parses_back(d):
    assert parse_number(format_number(d)) == d


@given(st.integers(min_value=0, max_value=10**12))
def test_a_formatted_count_is_found_in_a_sentence_with_its_exact_span(n):
    sentence = f"Năm nay có {format_number(n)} hộ thoát nghèo."
    (q,) = find_quantities(sentence)
    assert q.value == n and q.unit == "hộ"
    assert sentence[q.start : q.end] == q.text


@pytest.mark.parametrize(
    ("text", "words", "value", "qualifier", "unit", "per"),
    [
        (
            "Tổng vốn đầu tư trên 227 tỉ đồng cho huyện",
            "trên 227 tỉ đồng",
            "227000000000",
            "more_than",
            "đồng",
            (),
        ),
        ("hỗ trợ 12 tỉ đồng", "12 tỉ đồng", "12000000000", None, "đồng", ()),
        (
            "chuẩn nghèo khu vực nông thôn là 644.000đ/người/tháng.",
            "644.000đ/người/tháng",
            "644000",
            None,
            "đồng",
            ("người", "tháng"),
        ),
        ("mỗi hộ được 644.000 đ, nhận tại xã", "644.000 đ", "644000", None, "đồng", ()),
        ("thu nhập bình quân đạt 1,58 triệu", "1,58 triệu", "1580000", None, "triệu", ()),
        (
            "thu nhập bình quân 1,58 triệu đồng/người/tháng",
            "1,58 triệu đồng/người/tháng",
            "1580000",
            None,
            "đồng",
            ("người", "tháng"),
        ),
        ("dư nợ đạt 1.200 nghìn tỷ đồng", "1.200 nghìn tỷ đồng", "1200000000000000", None, "đồng", ()),
        ("gần 5 ngàn tỉ đồng", "gần 5 ngàn tỉ đồng", "5000000000000", "nearly", "đồng", ()),
        ("giảm 0,5 điểm phần trăm so với", "0,5 điểm phần trăm", "0.5", None, "điểm phần trăm", ()),
        ("vay tối đa 100 triệu đồng/hộ", "tối đa 100 triệu đồng/hộ", "100000000", "at_most", "đồng", ("hộ",)),
        ("giảm bình quân 1,5%/năm", "1,5%/năm", "1.5", None, "%", ("năm",)),
    ],
)
def test_spelling_variants_of_amounts_and_rates_read_alike(text, words, value, qualifier, unit, per):
    (q,) = find_quantities(text)
    assert (q.text, q.value, q.qualifier, q.unit, q.per) == (words, Decimal(value), qualifier, unit, per)
    assert text[q.start : q.end] == words
    assert str(q.value) == value  # "1,58 triệu" is written 1580000, as a mapping states it


def test_percentage_points_are_a_percentage_but_not_a_share():
    (points,) = find_quantities("tỷ lệ hộ nghèo giảm 0,5 điểm phần trăm")
    (share,) = find_quantities("tỷ lệ hộ nghèo còn 0,5%")
    assert (points.is_percent, points.is_percentage_points) == (True, True)
    assert (share.is_percent, share.is_percentage_points) == (True, False)


@pytest.mark.parametrize(
    ("one", "other"),
    [("tỉ lệ hộ nghèo", "tỷ lệ hộ nghèo"), ("Tỉ lệ", "Tỷ lệ"), ("kĩ thuật", "kỹ thuật"), ("lí do", "lý do")],
)
def test_i_and_y_spellings_of_a_syllable_read_alike(one, other):
    assert canonical_spelling(one) == canonical_spelling(other)
    assert len(canonical_spelling(one)) == len(one)


def test_canonical_spelling_leaves_other_words_alone():
    text = "tỉnh Tiền Giang, tin tức, Lí Nhân"
    assert canonical_spelling(text) == "tỉnh Tiền Giang, tin tức, Lý Nhân"
