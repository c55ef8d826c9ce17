"""The region of a fact: the unit its sentence names before the number, else the article's own unit.

Places are read by app/vn/places.py alone, the country ("cả nước", "toàn quốc", "Việt Nam": VN)
and the socio-economic regions ("Vùng Tây Nguyên", "ĐBSCL": VN-1..VN-6) included, by the names
and aliases of seeds/reference/regions_above_provinces.yaml. The drafter only decides which
mention is the figure's region.
"""

from __future__ import annotations

import datetime as dt
import re

from app.reference.catalog import Reference
from app.vn.normalize import fold
from app.vn.places import recognize_places

_OFFICE = re.compile(
    r"(?<!\w)(?:Sở|Phòng|UBND|Ủy ban|Uỷ ban|Ban|Bảo hiểm|Ngân hàng|Chi nhánh|Hội|Mặt trận"
    r"|Huyện ủy|Tỉnh ủy|Cục|Bộ)"
    r"(?!\w)[^,.;:]{0,60}$"
)
# "Việt Nam" is the country only at the head of a clause or after a preposition: "Ngân hàng
# Chính sách xã hội Việt Nam", "người Việt Nam", "Hội Liên hiệp Phụ nữ Việt Nam" are names.
_COUNTRY_BY_NAME_AFTER = re.compile(
    r"(?:[,.;:(“\"–-]|\n|(?<!\w)(?:tại|ở|của|trên|toàn|khắp|cả|và|với))[ \t\u00a0]*$", re.I
)
# "cao nhất cả nước", "đứng thứ 3 vùng Tây Nguyên": a comparison, not the figure's own region.
_RANKED_AGAINST = re.compile(
    r"(?<!\w)(?:nhất|thứ\s+\d+|đứng\s+đầu|dẫn\s+đầu)(?:\s+(?:trong|của|toàn|so\s+với))?\s*$", re.IGNORECASE
)
# Most specific last: a title naming a province and the country is about the province.
_LEVEL_RANK = {"country": 0, "macro_region": 1, "province": 2, "district": 3, "commune": 4}


class RegionFinder:
    def __init__(self, ref: Reference, on: dt.date):
        self.ref, self.on = ref, on

    def places(self, text: str, context: tuple[str, ...] = ()) -> list[tuple[int, int, str, str]]:
        """(start, end, code, level) of every resolved place in `text`, minus "Việt Nam" inside a name."""
        out = []
        for r in recognize_places(text, self.ref.units, self.on, context):
            if r.unit is None:
                continue
            m = r.mention
            if r.unit.level == "country" and fold(m.name) == fold(r.unit.name):
                before = text[max(0, m.start - 30) : m.start]
                if (m.start > 30 or before.strip()) and not _COUNTRY_BY_NAME_AFTER.search(before):
                    continue
            out.append((m.start, m.end, r.unit.code, r.unit.level))
        return out

    def in_sentence(self, words: str, article: str | None) -> str | None:
        """The last unit named before the number, unless it names an office ("Sở … tỉnh X"), is
        an ancestor of the article's own unit, or is what a rank compares with ("cao nhất cả
        nước"); else the article's unit."""
        found = [
            p
            for p in self.places(words, (article,) if article else ())
            if not _OFFICE.search(words[max(0, p[0] - 60) : p[0]])
            and not (p[3] in ("country", "macro_region") and _RANKED_AGAINST.search(words[: p[0]]))
        ]
        if not found:
            return article
        code = max(found, key=lambda p: p[1])[2]
        unit = self.ref.region(article, self.on) if article else None
        if unit is not None and code in self.ref.units.ancestors(unit):
            return article
        return code

    def article_unit(self, title: str, lead: str) -> tuple[str | None, str | None]:
        """(code, note): the most specific unit the title names, else the lead's; the country or
        a socio-economic region when that is all it names (a national article)."""
        for words in (title, lead):
            found = self.places(words)
            if found:
                provinces = tuple(c for _, _, c, lvl in found if lvl == "province")
                found = self.places(words, provinces) or found
                best = max(found, key=lambda f: (_LEVEL_RANK[f[3]], -f[0]))
                return best[2], None if words is title else "article's unit read from the lead, not the title"
        return None, "no place named in the title or lead"
