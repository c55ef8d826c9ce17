"""Word patterns around a number that decide whether it is drafted, and as what.

Read by app/draft/facts.py: what makes a number no figure (a duration, a rank, an address), an
example rather than an aggregate, an item of a list, a part of the figure before it, an amount
for each one, and which program a sentence names. Text is folded (app/draft/text.py) unless the
pattern says otherwise.
"""

from __future__ import annotations

import re

NOT_FIGURE_AFTER = [
    (re.compile(r"^\s*(?:nam|thang|ngay|tuan|gio|phut)(?![a-z])"), "a duration, not a poverty figure"),
    (re.compile(r"^\s*tuoi(?![a-z])"), "an age"),
    (re.compile(r"^\s*lan(?![a-z])"), "a number of times, not a poverty figure"),
    (re.compile(r"^\s*(?:km|m2|ha|tan|kg|mm|con)(?![a-z])"), "a physical quantity, not a poverty figure"),
]
NOT_FIGURE_BEFORE = [
    (re.compile(r"(?<![a-z])(?:thu|hang|xep|top)\s*$"), "a rank"),
    (
        re.compile(
            r"(?<![a-z])(?:chuong trinh|de an|nghi dinh|thong tu|ket luan|so nha|(?<!tuong )duong"
            r"|quoc lo|tinh lo)\s*$"
        ),
        "a number inside a name or an address",
    ),
]
# "gia đình anh Nguyễn Văn Hợp … được vay 50 triệu đồng": an example, not a figure of the area.
ONE_HOUSEHOLD = re.compile(
    r"(?<!\w)(?i:gia đình|hộ|nhà)\s+(?:anh|chị|ông|bà|cụ|em)\s+[A-ZĐ]|(?<!\w)(?i:gia đình) (?:anh|chị)\b"
)
# A list item after ';': a place or a period and its number ("huyện Đồng Văn còn 45,1%", "năm 2023 là 5,1%").
LIST_ITEM = re.compile(
    r"\s*(?:(?:huyện|xã|thị xã|thành phố|quận|phường|thị trấn|tỉnh|vùng)\s+(?:[A-ZĐÀ-Ỹ]\w*\s+){1,3}"
    r"|(?:cuối\s+)?(?:năm|tháng)\s+[\d/]+\s+)(?:(?:cao|thấp) nhất\s+)?(?:(?:còn|là|với|chiếm|đạt|có)\s+)?$"
)
EACH = re.compile(r"\b(?:moi|tung) (?:ho|nguoi|can|lao dong|hoc sinh)\b|\bmuc ho tro\b")
PART_OF = re.compile(r"(?:^|[,;:(])\s*(?:trong đó|trong số đó|riêng)\b[^,;]*$", re.IGNORECASE)
AGGREGATE = re.compile(r"(?<!\w)(?:toàn|tổng|cả|các|trên địa bàn)(?!\w)", re.IGNORECASE)
PROGRAM_WORDS = [
    ("policy-bank-credit", r"tin dung chinh sach|ngan hang chinh sach|nhcsxh"),
    ("social-security-fund", r"quy an sinh xa hoi"),
    (
        "ntp-spr-2021-2025",
        r"chuong trinh muc tieu quoc gia giam ngheo|mtqg giam ngheo|chuong trinh giam ngheo",
    ),
]
