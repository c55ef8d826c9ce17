"""The period, status, region and program a number belongs to, from the words around it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

from app.draft.text import fold_keep
from app.vn.dates import PeriodMention, find_periods

# Status cues (folded), per docs/mapping-format.md. "vượt/đạt chỉ tiêu" report a result.
_PRELIMINARY = re.compile(r"so bo")
_EXPECTED = re.compile(
    r"du kien|uoc tinh|uoc dat|uoc thuc hien|(?<!quy )(?<!huong )(?<!hiep )(?<!cong )"
    r"\buoc (?:con|giam|tang|khoang|dat|chung|la)\b"
)
_TARGET = re.compile(
    r"(?<!vuot )(?<!dat )(?<!hoan thanh )(?:phan dau|chi tieu|(?<!chuong trinh )muc tieu|ke hoach|yeu cau|"
    r"dat muc tieu)"
)
_COMPARED = re.compile(  # "thấp hơn/vượt chỉ tiêu kế hoạch được giao": set against a target
    r"(?:(?:thap hon|cao hon|so voi|vuot|hoan thanh) (?:chi tieu|muc tieu|ke hoach)"
    r"|dat (?:chi tieu|ke hoach))"
    r"(?: (?!phan dau)[a-z]+){0,3}"
)
_TARGET_STRONG = re.compile(r"phan dau|dat muc tieu|muc tieu (?:den|la|giam)|yeu cau|chi tieu giam")
_CARRY = re.compile(r"^\s*(?:cu the|trong do|gom|bao gom|theo do)\b")
# "6 tháng đầu năm", "9 tháng đầu năm 2025", "3 tháng đầu năm": the year's first months.
_HALF = re.compile(r"(3|6|9|ba|sáu|chín)\s+tháng\s+đầu\s+năm(?:\s+((?:19|20)\d{2}))?", re.IGNORECASE)
_MONTHS = {"3": 3, "ba": 3, "6": 6, "sáu": 6, "9": 9, "chín": 9}
_LAST_DAY = {3: "03-31", 6: "06-30", 9: "09-30"}
_SINCE_NEW_YEAR = re.compile(r"từ\s+đầu\s+năm(?:\s+((?:19|20)\d{2}))?\s+(?:đến|tới)\s+nay", re.IGNORECASE)
_TO_DATE = re.compile(r"(?:từ\s+đầu\s+năm\s+)?đến\s+nay|tính\s+đến\s+nay|lũy\s+kế", re.IGNORECASE)
_BASELINE = re.compile(
    r"so\s+với\s+(?:cùng\s+kỳ\s+)?(?:năm\s+|tháng\s+)?((?:\d{1,2}/)?(?:19|20)\d{2})", re.IGNORECASE
)


def status_of(clause_before: str, sentence_before: str, previous_sentence: str) -> tuple[str, bool]:
    """(status, guessed): the nearest cue before the number wins; "Cụ thể:"/"Trong đó" inherit
    the cue of the sentence before."""
    if re.search(
        r"(?:chi tieu|muc tieu|ke hoach)(?: [a-z]+){0,3} ?(?:tu |la |\( ?|)$", fold_keep(clause_before[-40:])
    ):
        # "chỉ tiêu giảm nghèo từ 2-2,5%", "thấp hơn chỉ tiêu được giao (2,75%)": the target itself
        return "target", False
    for words in (clause_before, sentence_before):
        found = _last_cue(fold_keep(words))
        if found:
            return found, False
    if _CARRY.match(fold_keep(sentence_before)) or not sentence_before.strip():
        found = _last_cue(fold_keep(previous_sentence))
        if found:
            return found, True
    return "actual", False


def _last_cue(folded: str) -> str | None:
    folded = _COMPARED.sub(" ", folded)  # a result set against a target is no target
    hits = []
    for status, pattern in (("preliminary", _PRELIMINARY), ("expected", _EXPECTED), ("target", _TARGET)):
        hits += [(m.start(), status) for m in pattern.finditer(folded)]
    if not hits:
        return None
    if any(s == "preliminary" for _, s in hits):
        return "preliminary"  # "kết quả sơ bộ ... chỉ tiêu" is still a preliminary result
    return max(hits)[1]


def spec_of(p: PeriodMention, published: dt.date | None, status: str, now_year: int = 0) -> str:
    """The mapping's period string for a mention; actual results to date end at publication."""
    if p.kind in ("year", "year_end"):
        y0, y1 = p.period_start.year, (p.period_end or p.period_start).year
        return str(y0) if y0 == y1 else f"{y0}-{y1}"
    if p.kind == "month":
        return f"{p.period_start:%Y-%m}"
    if p.kind == "date":
        return f"{p.period_start:%Y-%m-%d}/{p.period_start:%Y-%m-%d}"
    if p.kind == "range":
        y0, y1 = p.period_start.year, p.period_end.year
        if status == "actual" and published and p.period_start <= published < p.period_end:
            return f"{y0}-01-01/{published:%Y-%m-%d}"
        return f"{y0}-{y1}"
    # since: "từ năm 2022 đến nay"
    if published:
        return f"{p.period_start:%Y-%m-%d}/{published:%Y-%m-%d}"
    return f"{p.period_start.year}-{max(p.period_start.year, now_year)}"


def period_of(
    sentence_before: str,
    after: str,
    published: dt.date | None,
    default_year: int,
    status: str,
    carried: PeriodMention | None = None,
) -> tuple[str, str | None]:
    """(period, note when guessed). Nearest mention before the number in its sentence, else
    one just after it, else the one still in force from earlier sentences, else the article's year."""
    since = list(_SINCE_NEW_YEAR.finditer(sentence_before))
    if since:
        year = int(since[-1][1]) if since[-1][1] else (published.year if published else default_year)
        if published:
            return f"{year}-01-01/{published:%Y-%m-%d}", None
        return str(year), "'từ đầu năm … đến nay' with no publication date: the whole year assumed"
    half = list(_HALF.finditer(sentence_before))
    mentions = [
        p
        for p in find_periods(sentence_before)
        if not _is_baseline(sentence_before, p.start)
        and not any(h.start() <= p.start < h.end() for h in half)
    ]
    if half and (not mentions or half[-1].start() > mentions[-1].start):
        year = int(half[-1][2]) if half[-1][2] else (published.year if published else default_year)
        months = _MONTHS[half[-1][1].lower()]
        guessed = None if half[-1][2] or published else f"year of '{half[-1][0]}' guessed"
        return f"{year}-01-01/{year}-{_LAST_DAY[months]}", guessed
    own = own_period(after, published, status, default_year)
    if own:
        return own, None
    if mentions:
        return spec_of(mentions[-1], published, status, default_year), None
    later = [p for p in find_periods(after[:60]) if not _is_baseline(after, p.start)]
    if later:
        return spec_of(later[0], published, status, default_year), None
    if carried is not None:
        return spec_of(carried, published, status, default_year), None
    if _TO_DATE.search(sentence_before):
        if published:
            return (
                f"{published.year}-01-01/{published:%Y-%m-%d}",
                "start of 'đến nay' guessed as the start of the year",
            )
        return str(default_year), "'đến nay' with no publication date: the article's year guessed"
    return str(default_year), f"no period in the sentence: the article's year {default_year} assumed"


def in_force(
    mention: PeriodMention | None,
    at: int,
    here: int,
    paragraph_starts: list[int],
    status: str,
    published: dt.date | None,
) -> PeriodMention | None:
    """The period carried from an earlier sentence, as it applies at `here`: an actual result is
    never of a year after the publication's, and past a paragraph break a month or a day
    ("Đến hết tháng 11/2024, …") widens to its year."""
    if mention is None or (status == "actual" and published and mention.period_start.year > published.year):
        return None
    if mention.kind in ("month", "date") and any(at < p <= here for p in paragraph_starts):
        year = mention.period_start.year
        return dataclasses.replace(
            mention, kind="year", period_start=dt.date(year, 1, 1), period_end=dt.date(year, 12, 31)
        )
    return mention


def own_period(after: str, published: dt.date | None, status: str, default_year: int) -> str | None:
    """A period printed right after the number ("xuống 3,8% năm 2023") is that number's own."""
    lead = re.match(r"[\s(]*(?:(?:vào|trong|của)\s+)?", after, re.IGNORECASE)
    first = find_periods(after[:40])
    if first and first[0].start == lead.end() and first[0].kind != "date":
        return spec_of(first[0], published, status, default_year)
    return None


# "giảm từ 35,52% xuống còn 29,78%": the first number is the level before the change.
_FROM_LEVEL = re.compile(r"(?:giam|tang|ha)(?: [a-z]+){0,6}\s+tu\s*$")
_THEN_TO = re.compile(r"^[^,;]{0,40}?(?:xuong|len|con)\b")


def earlier_level(before_clause: str, after: str) -> bool:
    """Whether the number is the "từ X" of "giảm/tăng từ X xuống/lên Y" (folded words around it)."""
    return bool(_FROM_LEVEL.search(before_clause) and _THEN_TO.match(after))


def _is_baseline(text: str, pos: int) -> bool:
    """A period that is not the figure's: a baseline ("so với năm 2022") or the poverty
    standard's own period ("chuẩn nghèo đa chiều giai đoạn 2022-2025")."""
    window = text[max(0, pos - 30) : pos]
    return bool(re.search(r"so\s+với\s+(?:cùng\s+kỳ\s+)?$|chuẩn\s+nghèo[\w\s]{0,15}$", window, re.IGNORECASE))


def baseline_of(words: str, period: str) -> tuple[str, str | None]:
    """ "so với năm 2022" -> "2022", "so với tháng 12/2022" -> "2022-12"; else the year before."""
    m = _BASELINE.search(words)
    if m:
        token = m[1]
        if "/" in token:
            month, year = token.split("/")
            return f"{year}-{int(month):02d}", None
        return token, None
    first_year = int(period[:4])
    return str(first_year - 1), "baseline not printed: the year before the period assumed"


def article_year(text: str, body: tuple[int, int], published: dt.date | None) -> tuple[int, bool]:
    """The year the article speaks of: the first year its lead names, else the publication year."""
    lead = text[body[0] : min(body[1], body[0] + 600)]
    years = [p.period_start.year for p in find_periods(lead) if p.kind in ("year", "year_end", "range")]
    if published and (not years or years[0] > published.year):
        return published.year, False
    if years:
        return (years[0], False) if published else (max(years), True)
    return (published.year if published else dt.date.today().year), True
