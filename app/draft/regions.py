"""The region of a fact: the unit its sentence names before it, else the article's own unit.

"cả nước"/"toàn quốc" is the country (VN) and "vùng Tây Nguyên"… a socio-economic region
(VN-1..VN-6); until those regions are loaded (see NATIONAL_REGIONS_LOADED) the drafter leaves
such figures out rather than pin them on the article's province.
"""

from __future__ import annotations

import datetime as dt
import re

from app.draft.text import fold_keep
from app.mapping.reference import Reference
from app.vn.places import recognize_places

NATIONAL = re.compile(r"(?<![a-z])(?:ca nuoc|toan quoc|tren toan quoc)(?![a-z])")
SOCIO_ECONOMIC = {
    "VN-1": "dong bang song hong",
    "VN-2": "trung du va mien nui phia bac",
    "VN-3": "bac trung bo va duyen hai mien trung",
    "VN-4": "tay nguyen",
    "VN-5": "dong nam bo",
    "VN-6": "dong bang song cuu long",
}
_OFFICE = re.compile(
    r"(?<!\w)(?:Sở|Phòng|UBND|Ủy ban|Uỷ ban|Ban|Bảo hiểm|Ngân hàng|Chi nhánh|Hội|Mặt trận"
    r"|Huyện ủy|Tỉnh ủy|Cục|Bộ)"
    r"(?!\w)[^,.;:]{0,60}$"
)
_LEVEL_RANK = {"province": 0, "district": 1, "commune": 2}


class RegionFinder:
    def __init__(self, ref: Reference, on: dt.date):
        self.ref, self.on = ref, on

    def places(self, text: str, context: tuple[str, ...] = ()) -> list[tuple[int, int, str, str]]:
        """(start, end, code, level) of every resolved place in `text`."""
        out = []
        for r in recognize_places(text, self.ref.units, self.on, context):
            if r.unit is not None:
                out.append((r.mention.start, r.mention.end, r.unit.code, r.unit.level))
        return out

    def in_sentence(self, words: str, article: str | None) -> str | None:
        """The last unit named before the number, unless it names an office ("Sở … tỉnh X")
        or is an ancestor of the article's own unit; else the article's unit."""
        found = [
            p
            for p in self.places(words, (article,) if article else ())
            if not _OFFICE.search(words[max(0, p[0] - 60) : p[0]])
        ]
        if not found:
            return article
        code = max(found, key=lambda p: p[1])[2]
        unit = self.ref.region(article, self.on) if article else None
        if unit is not None and code in self.ref.units.ancestors(unit):
            return article
        return code

    def article_unit(self, title: str, lead: str) -> tuple[str | None, str | None]:
        """(code, note): the most specific unit the title names, else the lead's first."""
        for words in (title, lead):
            found = self.places(words)
            if found:
                provinces = tuple(c for _, _, c, lvl in found if lvl == "province")
                found = self.places(words, provinces) or found
                best = max(found, key=lambda f: (_LEVEL_RANK[f[3]], -f[0]))
                return best[2], None if words is title else "article's unit read from the lead, not the title"
        return None, "no place named in the title or lead"


def national_scope(folded_words: str) -> str | None:
    """ "VN" or "VN-n" when the words speak of the country or a socio-economic region."""
    for code, name in SOCIO_ECONOMIC.items():
        if re.search(r"(?<![a-z])" + name + r"(?![a-z])", folded_words):
            return code
    return "VN" if NATIONAL.search(folded_words) else None


def fold(text: str) -> str:
    return fold_keep(text)
