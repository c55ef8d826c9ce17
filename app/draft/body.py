"""Where the article is on the page, and its metadata as printed.

General rules, not a site's quirks: the title is the last headline-like line before the first
prose paragraph; the byline is a line between them that prints a date (a clock above the
title is the site's, not the article's); the body runs from the first prose paragraph to the
last prose paragraph before the first line of page chrome (comment boxes, share buttons,
"related stories", source lines, addresses, teaser bylines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.draft.text import Piece, fold_keep, paragraphs

_DATE = r"\d{1,2}/\d{1,2}/\d{4}"
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?"
PRINTED_DATE = re.compile(
    rf"(?:{_TIME}\s*[,-]?\s*)?{_DATE}(?:\s*[-|,]?\s*{_TIME})?|ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}"
    rf"(?:\s*[,-]?\s*{_TIME})?",
    re.IGNORECASE,
)
_RELATIVE_TIME = re.compile(r"\d+\s+(?:giờ|phút|ngày)\s+trước", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
# Lines that start the page furniture after an article (folded, matched at the line start).
_CHROME_STARTS = (
    "binh luan",
    "y kien doc gia",
    "y kien ban doc",
    "gui binh luan",
    "ma bao mat",
    "tin cung chuyen muc",
    "tin lien quan",
    "bai lien quan",
    "tin khac",
    "cac tin khac",
    "xem them",
    "doc them",
    "chia se",
    "noi bat",
    "dung bo lo",
    "tin noi bat",
    "tin moi",
    "tu khoa",
    "tags",
    "the:",
    "powered by",
    "ban quyen",
    "copyright",
    "theo bao",
    "theo baomoi",
    "nguon:",
    "(0) binh luan",
    "tai khoan cua quy khach",
    "binh chon",
    "tham do y kien",
    "ban co hai long",
)
_INLINE_LINK = re.compile(r"\s*(?:>>\s*)?(?:xem them|doc them|tin lien quan|bai lien quan)\s*[:>]\s*\S")
_AUTHOR_LABEL = re.compile(r"(?:Tác giả|Tác giá|Bài|Bài và ảnh|Người viết)\s*:\s*", re.IGNORECASE)
_NAME = re.compile(r"[A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*){1,3}")
_LEAD_MARK = re.compile(r"^\(?([A-ZĐ][A-Za-zĐ&.]{1,14})\)?\s*[-–]\s+")


@dataclass
class PageLayout:
    title: str | None = None
    published: str | None = None
    author: str | None = None
    publisher: str | None = None
    url: str | None = None
    body: tuple[int, int] | None = None
    title_line: Piece | None = None


def is_prose(text: str, p: Piece) -> bool:
    line = text[p.start : p.end]
    return len(line.split()) >= 14 and line.rstrip()[-1:] in '.…!?"”:)'


def is_inline_link(text: str, p: Piece) -> bool:
    """ "Xem thêm: <another story>" inside an article: not the article, but not its end either."""
    return bool(_INLINE_LINK.match(fold_keep(text[p.start : p.end])))


def is_chrome(text: str, p: Piece) -> bool:
    line = text[p.start : p.end]
    if is_inline_link(text, p):
        return False
    folded = fold_keep(line).strip()
    if any(folded.startswith(c) for c in _CHROME_STARTS) and len(line.split()) <= 12:
        return True
    if _URL.match(line) or _RELATIVE_TIME.search(line):
        return True
    # A teaser byline: a short line that prints a date or a clock.
    return len(line.split()) <= 12 and bool(PRINTED_DATE.search(line)) and not line.rstrip().endswith(".")


def _headline(text: str, p: Piece) -> bool:
    line = text[p.start : p.end]
    if re.match(r"(?:Nguồn|Ảnh)\s*:", line) or (line.startswith("Theo ") and len(line.split()) <= 6):
        return False  # a source or photo credit, not a headline
    return 4 <= len(line.split()) <= 40 and not PRINTED_DATE.search(line) and not line.endswith(".")


def layout(text: str) -> PageLayout:
    """Title, byline and body of the page; `body` None when no article is found."""
    paras = paragraphs(text)
    out = PageLayout()
    first = next((i for i, p in enumerate(paras) if is_prose(text, p)), None)
    if first is None:
        return out
    heads = [i for i in range(first) if _headline(text, paras[i])]
    # A byline (a dated line) after a headline closes the header: lines after it are widgets.
    bylines = [i for i in range(first) if PRINTED_DATE.search(text[paras[i].start : paras[i].end])]
    closed = [i for i in bylines if any(h < i for h in heads)]
    if closed:
        heads = [h for h in heads if h < closed[-1]]
    if heads:
        title_i = heads[-1]
        out.title_line = paras[title_i]
        out.title = text[paras[title_i].start : paras[title_i].end]
        for p in paras[title_i + 1 : first]:
            _byline(text[p.start : p.end], out)
            if out.published:
                break
    start = paras[first].start
    end_i = first
    for i in range(first + 1, len(paras)):
        if is_chrome(text, paras[i]):
            _after_body(text, paras[i : i + 4], out)
            break
        if is_prose(text, paras[i]):
            end_i = i
    out.body = (start, paras[end_i].end)
    lead = _LEAD_MARK.match(text[start : paras[first].end])
    if lead and out.publisher is None:
        out.publisher = lead[1]
    return out


# "Thứ Năm, 12/12/2024 - 09:15": the weekday before a printed date is no author.
_WEEKDAY = re.compile(r"(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|Chủ\s+[Nn]hật)$", re.IGNORECASE)


def _byline(line: str, out: PageLayout) -> None:
    date = PRINTED_DATE.search(line)
    if not date:
        return
    out.published = date[0].strip(" -|,")
    label = _AUTHOR_LABEL.search(line)
    if label:
        name = _NAME.match(line, label.end())
    else:
        name = _NAME.match(line.strip()) if date.start() > 0 else None
        if name and name.end() > date.start():
            name = None
    if name:
        words = name[0].split()
        stop = next(
            (i for i, w in enumerate(words) if fold_keep(w) in ("luot", "xem", "cap", "nhat")), len(words)
        )
        if stop >= 2 and not _WEEKDAY.match(" ".join(words[:stop])):
            out.author = " ".join(words[:stop])


def _after_body(text: str, lines: list[Piece], out: PageLayout) -> None:
    """A source line ("Theo báo Bạc Liêu") and the address printed after the article."""
    for p in lines:
        line = text[p.start : p.end]
        m = re.match(r"Theo\s+((?:báo|tạp chí|trang)\s+.+)$", line, re.IGNORECASE)
        if m and out.publisher is None and len(line.split()) <= 8:
            out.publisher = m[1].strip()
        url = _URL.match(line)
        if url and out.url is None:
            out.url = url[0]
