"""Dates, times and periods as pages print them."""

from __future__ import annotations

import datetime as dt

import pytest

from app.vn.dates import find_periods, parse_printed_date, parse_printed_timestamp
from tests.vn.conftest import article

D = dt.date


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("27/02/2024 - 14:24", dt.datetime(2024, 2, 27, 14, 24)),
        ("08:31, 01/12/2024", dt.datetime(2024, 12, 1, 8, 31)),
        ("Thứ Sáu, ngày 23 tháng 08 năm 2019, 09:25:27", dt.datetime(2019, 8, 23, 9, 25, 27)),
    ],
)
def test_printed_timestamps(printed, expected):
    assert parse_printed_timestamp(printed) == expected
    assert parse_printed_date(printed) == expected.date()


def test_a_text_with_two_dates_is_refused_rather_than_guessed():
    with pytest.raises(ValueError, match="found 2"):
        parse_printed_date("04/07/2024 | Tác giả: Phạm Tiếp 05/07/2024")


@pytest.mark.parametrize(
    ("text", "kind", "start", "end"),
    [
        ("giảm so với tháng 12/2022 là 3,63%", "month", D(2022, 12, 1), D(2022, 12, 31)),
        ("tính đến cuối năm 2023, tỷ lệ", "year_end", D(2023, 12, 31), D(2023, 12, 31)),
        ("đến hết năm 2024 giảm 1.890 hộ", "year_end", D(2024, 12, 31), D(2024, 12, 31)),
        ("trong năm 2024", "year", D(2024, 1, 1), D(2024, 12, 31)),
        ("Giai đoạn từ 2021 - 2025, từ nguồn vốn", "range", D(2021, 1, 1), D(2025, 12, 31)),
        ("giai đoạn 2021 - 2025", "range", D(2021, 1, 1), D(2025, 12, 31)),
        ("từ năm 2022 đến nay đã có", "since", D(2022, 1, 1), None),
        ("Nghị quyết Đại hội nhiệm kỳ 2020-2025", "range", D(2020, 1, 1), D(2025, 12, 31)),
        ("chỉ tính riêng trong hai năm 2022 và 2023", "year", D(2022, 1, 1), D(2023, 12, 31)),
        ("Lan Chi 27/02/2024 - 14:24", "date", D(2024, 2, 27), D(2024, 2, 27)),
    ],
)
def test_periods_in_running_text(text, kind, start, end):
    (p,) = find_periods(text)
    assert (p.kind, p.period_start, p.period_end) == (kind, start, end)
    assert text[p.start : p.end] == p.text


@pytest.mark.parametrize(
    ("stem", "words", "start", "end"),
    [
        ("000", "cuối năm 2023", D(2023, 12, 31), D(2023, 12, 31)),
        ("000", "tháng 12/2022", D(2022, 12, 1), D(2022, 12, 31)),
        ("000", "Giai đoạn từ 2021 - 2025", D(2021, 1, 1), D(2025, 12, 31)),
        ("000", "27/02/2024", D(2024, 2, 27), D(2024, 2, 27)),
        ("001", "giai đoạn 2021 - 2025", D(2021, 1, 1), D(2025, 12, 31)),
        ("001", "04/07/2024", D(2024, 7, 4), D(2024, 7, 4)),
        ("002", "giai đoạn 2021-2024", D(2021, 1, 1), D(2024, 12, 31)),
        ("002", "hết năm 2023", D(2023, 12, 31), D(2023, 12, 31)),
        ("002", "ngày 23 tháng 08 năm 2019", D(2019, 8, 23), D(2019, 8, 23)),
        ("002", "01/12/2024", D(2024, 12, 1), D(2024, 12, 1)),
        ("003", "nhiệm kỳ 2020-2025", D(2020, 1, 1), D(2025, 12, 31)),
        ("003", "từ năm 2022 đến nay", D(2022, 1, 1), None),
        ("003", "năm 2022 và 2023", D(2022, 1, 1), D(2023, 12, 31)),
        ("004", "hết năm 2024", D(2024, 12, 31), D(2024, 12, 31)),
        ("004", "năm 2023", D(2023, 1, 1), D(2023, 12, 31)),
    ],
)
def test_periods_of_the_seed_articles(stem, words, start, end):
    text = article(stem)
    at = text.index(words)
    found = [p for p in find_periods(text) if p.start == at and p.text == words]
    assert [(p.period_start, p.period_end) for p in found] == [(start, end)]
