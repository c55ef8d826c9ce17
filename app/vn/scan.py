"""Every number-like token of a text, classified: nothing is silently dropped.

A token is a quantity (counts, rates, money, ranges, fractions; a rate's "/người/tháng" is in
its quantity's `per`) or something else: a date,
a time, a year, an ordinal ("lần thứ XXV"), a label ("Dự án 2", "Phường 5"), a code
("dt3-1ece3c46ad25.jpg") or a phone number. What fits none of these is "unclassified".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.vn.dates import _TIME, find_periods
from app.vn.numbers import Quantity, find_quantities

KINDS = ("quantity", "date", "time", "year", "ordinal", "label", "code", "phone", "unclassified")
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
_ROMAN = re.compile(r"(?<=\s)(?:lần\s+thứ|thứ|khóa|vùng|khu\s+vực)\s+([IVXLC]+)(?![\w])", re.IGNORECASE)
# Words after which a number names something rather than counts it ("tổng số 120 hộ" counts).
_LABEL_BEFORE = re.compile(
    r"(?<!\w)(?:dự\s+án|ảnh|hình|phường|quận|(?<!tổng\s)số|nghị\s+quyết|quyết\s+định|chỉ\s+thị|khu|tổ|khóm|ấp)\s*$",
    re.IGNORECASE,
)
_DAY_MONTH = re.compile(r"(?<![\w/.,])([0-3]?\d)/([01]?\d)(?![\w/]|[.,]\d)")
_PHONE = re.compile(r"(?<!\d)0\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?!\d)")


@dataclass(frozen=True)
class NumberToken:
    kind: str
    start: int
    end: int
    text: str
    quantity: Quantity | None = None


def classify_numbers(text: str) -> list[NumberToken]:
    """Every run of digits, and every roman numeral used as an ordinal, with its kind."""
    spans: list[tuple[int, int, str, Quantity | None]] = []
    for p in find_periods(text):
        spans.append((p.start, p.end, "date" if p.kind in ("date", "month") else "year", None))
    spans += [(m.start(), m.end(), "time", None) for m in _TIME.finditer(text)]
    spans += [(m.start(), m.end(), "phone", None) for m in _PHONE.finditer(text)]
    quantities = find_quantities(text)
    fractions = [(q.start, q.end) for q in quantities if q.denominator is not None]
    spans += [
        (m.start(), m.end(), "date", None)
        for m in _DAY_MONTH.finditer(text)
        if 1 <= int(m[2]) <= 12 and not any(s <= m.start() < e for s, e in fractions)
    ]
    out = []
    for m in _TOKEN.finditer(text):
        kind, quantity = _kind(text, m, spans, quantities)
        out.append(NumberToken(kind, m.start(), m.end(), m[0], quantity))
    out += [NumberToken("ordinal", m.start(1), m.end(1), m[1]) for m in _ROMAN.finditer(text)]
    return sorted(out, key=lambda t: t.start)


def _kind(text: str, m: re.Match, spans, quantities) -> tuple[str, Quantity | None]:
    start, end = m.span()
    before, after = text[start - 1 : start], text[end : end + 1]
    # "644.000đ/người/tháng": a glued "đ" is the đồng of an amount, not part of a code.
    dong = after in ("đ", "Đ") and not text[end + 1 : end + 2].isalnum()
    if (before.isalpha() or (after.isalpha() and not dong)) or (
        after == "." and text[end + 1 : end + 2].isalpha()
    ):
        return "code", None  # part of a file name, an identifier, a URL
    for s, e, kind, _ in spans:
        if s <= start and end <= e:
            return kind, None
    if _LABEL_BEFORE.search(text[max(0, start - 15) : start].rstrip()) and not text[end:].lstrip().startswith(
        "%"
    ):
        return "label", None
    for q in quantities:
        if q.start <= start and end <= q.end:
            return "quantity", q
    if re.fullmatch(r"(19|20)\d{2}", m[0]):
        return "year", None
    return "unclassified", None
