"""People in Vietnamese news: names with honorifics and titles, and the usual abbreviations.

"ông Phạm Duy Hưng, Ủy viên Ban thường vụ Tỉnh ủy, Phó Chủ tịch UBND tỉnh Bắc Kạn" and
"Đồng chí Trưởng Phòng Lao động-Thương binh và Xã hội huyện Đồng Hỷ Lê Thị Thu Hà" both give
a name and a title; "Đồng chí Trưởng Phòng ... huyện Đồng Hỷ cho biết" a title with no name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ABBREVIATIONS = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "LĐ-TB&XH": "Lao động - Thương binh và Xã hội",
    "LĐTB&XH": "Lao động - Thương binh và Xã hội",
    "MTQG": "mục tiêu quốc gia",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "DTTS": "dân tộc thiểu số",
    "NHCSXH": "Ngân hàng Chính sách xã hội",
    "MTTQ": "Mặt trận Tổ quốc",
    "TP.": "thành phố",
}
_ABBREVIATION = re.compile(
    r"(?<![\w&-])("
    + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
    + r")(?![\w&-])"
)


def expand_abbreviations(text: str) -> str:
    """ "Phó Chủ tịch UBND tỉnh" -> "Phó Chủ tịch Ủy ban nhân dân tỉnh"."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m[1]], text)


# Family names, including those common among ethnic minorities of the north.
SURNAMES = frozenset(
    [
        "Nguyễn",
        "Trần",
        "Lê",
        "Phạm",
        "Hoàng",
        "Huỳnh",
        "Phan",
        "Vũ",
        "Võ",
        "Đặng",
        "Bùi",
        "Đỗ",
        "Hồ",
        "Ngô",
        "Dương",
        "Lý",
        "Nông",
        "Trịnh",
        "Đinh",
        "Lương",
        "Mai",
        "Tạ",
        "Đào",
        "Cao",
        "Lâm",
        "Triệu",
        "Lò",
        "Vi",
        "Hứa",
        "Lục",
        "Lường",
        "Sầm",
        "Ma",
        "Đàm",
        "Chu",
        "Lăng",
        "Bế",
        "Hà",
        "Tô",
        "Thái",
        "Quách",
        "Văn",
        "Khổng",
        "Kiều",
        "Cù",
        "Tăng",
        "Lưu",
        "Tống",
        "Đoàn",
        "Vương",
        "Trương",
        "Châu",
        "Giáp",
        "Mạc",
        "Thân",
        "Chế",
        # Less common Kinh names.
        "Phùng",
        "Doãn",
        "Nghiêm",
        "Lã",
        "La",
        "Từ",
        "Quan",
        "Hầu",
        "Phí",
        "Mã",
        "Âu",
        # Hmong, Dao and Thai names of the northern mountains.
        "Giàng",
        "Sùng",
        "Vàng",
        "Thào",
        "Lầu",
        "Mùa",
        "Hờ",
        "Sình",
        "Vừ",
        "Hạng",
        "Tráng",
        "Chảo",
        "Bàn",
        "Cầm",
        "Tòng",
        "Quàng",
        "Điêu",
        "Bạc",
        "Lự",
        # Central Highlands and Khmer names.
        "Ksor",
        "Siu",
        "Rơ",
        "Rah",
        "Kpă",
        "Thạch",
        "Danh",
    ]
)
HONORIFICS = ("đồng chí", "ông", "bà", "anh", "chị")
# Words a title starts with, and organisations that follow a role.
TITLE_HEADS = (
    "Ủy viên",
    "Uỷ viên",
    "Phó Chủ tịch",
    "Chủ tịch",
    "Phó Bí thư",
    "Bí thư",
    "Phó Giám đốc",
    "Giám đốc",
    "Phó Trưởng",
    "Trưởng",
    "Phó Thủ tướng",
    "Thủ tướng",
    "Bộ trưởng",
    "Thứ trưởng",
    "Chánh",
    "Phó Chánh",
)
ORGANISATION_HEADS = (
    "UBND",
    "Ủy ban",
    "Uỷ ban",
    "HĐND",
    "Hội đồng",
    "Phòng",
    "Sở",
    "Ban",
    "Tỉnh ủy",
    "Huyện ủy",
    "Bộ",
    "Chính phủ",
    "Mặt trận",
    "Ngân hàng",
    "Hội",
)
# Where a title ends: a verb of saying, a colon, a sentence end, a parenthesis.
# Words that name an administrative unit's type: what follows them is a place, not a person.
_UNIT_WORDS = frozenset(["tỉnh", "huyện", "xã", "phường", "quận", "thị", "trấn", "phố"])
_CLAUSE_END = re.compile(
    r"\s+(?:cho\s+biết|cho\s+rằng|chia\s+sẻ|đánh\s+giá|nhấn\s+mạnh|khẳng\s+định|xung\s+quanh|phát\s+biểu|"
    r"dự\s+lễ|tham\s+dự|cùng|về)\b|[:;.“\"(\n]"
)
_HONORIFIC = re.compile(r"(?<![\w])(" + "|".join(HONORIFICS) + r")\s+", re.IGNORECASE)
_TITLE_HEAD = re.compile(r"(?<![\w])(" + "|".join(re.escape(t) for t in TITLE_HEADS) + r")\s")


@dataclass(frozen=True)
class PersonMention:
    name: str | None
    title: str | None  # as written, abbreviations kept
    honorific: str | None
    start: int
    end: int

    @property
    def organization(self) -> str | None:
        """The organisation of the last part of the title, abbreviations expanded."""
        if not self.title:
            return None
        last = self.title.split(", ")[-1]
        heads = [last.find(h) for h in ORGANISATION_HEADS if last.find(h) > 0]
        return expand_abbreviations(last[min(heads) :]) if heads else None


_NAME_END = re.compile(r"\s*(?:,|\s[–—-])\s*")


def _segments(rest: str) -> list[tuple[str, int, int]]:
    """(separator, start, end) of each part of `rest`, which starts with a separator."""
    seps = list(_NAME_END.finditer(rest))
    out = []
    for k, sep in enumerate(seps):
        stop = seps[k + 1].start() if k + 1 < len(seps) else len(rest)
        out.append((sep[0], sep.end(), len(rest[:stop].rstrip(" –—-"))))
    return out


def _name_at_end(words: list[str]) -> int | None:
    """Index where a person's name starts in the capitalized tail of `words`, if any."""
    tail = len(words)
    while tail > 0 and words[tail - 1][:1].isupper():
        tail -= 1
    # The capitalised tail opens with a place when a unit word precedes it or its first word is
    # no surname ("Sở … Sơn La Nguyễn Văn Thắng").
    after_unit = tail > 0 and words[tail - 1] in _UNIT_WORDS
    place = tail if tail < len(words) and (after_unit or words[tail] not in SURNAMES) else None
    for i in range(tail, len(words)):
        # "UBND tỉnh Hà Giang", "huyện Quan Hóa": a surname right after a unit word starts a place.
        if words[i] in SURNAMES and 2 <= len(words) - i <= 5 and i > 0 and words[i - 1] not in _UNIT_WORDS:
            # "tỉnh Sơn La Đặng Ngọc Hậu": the place's second word, when a surname follows it.
            if i == (place or -2) + 1 and len(words) - i > 3 and words[i + 1] in SURNAMES:
                continue
            return i
    return None


def find_people(text: str) -> list[PersonMention]:
    """People introduced by an honorific ("ông", "Đồng chí") or by a title before the name."""
    found: list[PersonMention] = []
    for m in _HONORIFIC.finditer(text):
        clause_end = _CLAUSE_END.search(text, m.end())
        stop = clause_end.start() if clause_end else len(text)
        clause = text[m.end() : stop]
        # "ông X, title, title" or "bà X – title –": the name ends at the first comma or dash.
        cut = _NAME_END.search(clause)
        first, rest = (clause[: cut.start()], clause[cut.start() :]) if cut else (clause, "")
        words = first.split()
        if words and words[0] in SURNAMES and all(w[:1].isupper() for w in words) and 2 <= len(words) <= 5:
            # "ông Phạm Duy Hưng, Ủy viên ..., Phó Chủ tịch UBND tỉnh Bắc Kạn"
            titles: list[list[int]] = []  # [start, end] in `rest` of each title part
            for sep, start, stop in _segments(rest):
                if _TITLE_HEAD.match(rest[start:stop] + " "):
                    titles.append([start, stop])
                elif titles and "," not in sep:
                    titles[-1][1] = stop  # "Phòng Lao động - Thương binh và Xã hội": one title
                else:
                    break
            end = m.end() + len(first.rstrip()) if not titles else m.end() + len(first) + titles[-1][1]
            title = ", ".join(rest[a:b] for a, b in titles) or None
            found.append(PersonMention(" ".join(words), title, m[1], m.start(), end))
        elif _TITLE_HEAD.match(clause):
            # "Đồng chí Phó Chủ tịch Ủy ban nhân dân huyện Đồng Hỷ Ngô Xuân Huy"
            found.append(_title_then_name(text, m.start(), m.end(), stop, m[1]))
    taken = [(p.start, p.end) for p in found]
    for m in _TITLE_HEAD.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        clause_end = _CLAUSE_END.search(text, m.start())
        stop = clause_end.start() if clause_end else len(text)
        mention = _title_then_name(text, m.start(), m.start(), stop, None)
        if mention.name:  # a bare title with no name is no person mention
            found.append(mention)
            taken.append((mention.start, mention.end))
    return sorted(found, key=lambda p: p.start)


def _title_then_name(
    text: str, start: int, title_start: int, stop: int, honorific: str | None
) -> PersonMention:
    """Comma-separated title parts, each starting with a title word; the name ends the last one."""
    clause = text[title_start:stop].rstrip(" ,")
    taken = ""
    for i, part in enumerate(clause.split(",")):
        if i and not _TITLE_HEAD.match(part.strip() + " "):
            break
        taken = f"{taken},{part}" if i else part
        words = taken.split()
        at = _name_at_end(words)
        if at is not None:
            title = taken[: taken.rfind(words[at])].rstrip(" ,")
            return PersonMention(" ".join(words[at:]), title, honorific, start, title_start + len(taken))
    first = clause.split(",")[0].rstrip()
    return PersonMention(None, first, honorific, start, title_start + len(first))
