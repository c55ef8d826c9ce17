"""Assemble a drafted mapping: layout, facts, statements and the review trail."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import yaml

from app.draft import DRAFTED_BY
from app.draft.body import is_inline_link, layout
from app.draft.context import article_year
from app.draft.facts import Article, FactDrafter
from app.draft.indicators import IndicatorFinder
from app.draft.regions import RegionFinder
from app.draft.repair import repair
from app.draft.statements import draft_statements
from app.draft.text import fold_keep, paragraphs
from app.reference.catalog import Reference
from app.vn.dates import parse_printed_date
from app.vn.normalize import slugify

_IMAGE = re.compile(r"\S+\.(?:jpe?g|png|gif|webp)\b|^Ảnh\s*:|Ảnh\s*:\s*\S+\s*$|ảnh \d+$", re.IGNORECASE)


class NoArticle(ValueError):
    """The page holds no article the drafter can find."""


@dataclass
class Draft:
    mapping: dict
    reviews: list[str] = field(default_factory=list)  # "figures[3] (key): why"

    def to_yaml(self) -> str:
        head = f"# Drafted by {DRAFTED_BY}; reviewed: false until a person has checked every fact.\n"
        return head + yaml.safe_dump(self.mapping, allow_unicode=True, sort_keys=False, width=100)


class Drafter:
    """Reads the reference data once; `draft` is then pure and fast."""

    def __init__(self, ref: Reference):
        self.ref = ref
        self.finder = IndicatorFinder(ref.indicators)

    def draft(
        self, text: str, *, url: str | None = None, published: str | None = None, publisher: str | None = None
    ) -> Draft:
        """`published` is a date the operator knows (dd/mm/yyyy) that the page may not print;
        `url` and `publisher` are used when the page prints them."""
        page = layout(text)
        if page.body is None or page.title is None:
            raise NoArticle("no article found: no headline followed by paragraphs of prose")
        reviews: list[str] = []
        printed = published or page.published
        pub_date = None
        if printed:
            try:
                pub_date = parse_printed_date(printed)
            except ValueError:
                printed, pub_date = None, None
        year, year_guessed = article_year(text, page.body, pub_date)
        valid_on = pub_date or dt.date(year, 1, 1)
        regions = RegionFinder(self.ref, valid_on)
        lead = text[page.body[0] : min(page.body[1], page.body[0] + 400)]
        # The most specific unit the title names, else the lead's: a province beats the country
        # it is compared with, and a title about the country or a region makes a national article.
        region, region_note = regions.article_unit(page.title, lead)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        report = {"slug": (slugify(page.title)[:48].strip("-") + "-" + digest[:6]), "title": page.title}
        if publisher and publisher in text:
            page.publisher = publisher
        if page.publisher:
            report["publisher"] = page.publisher
        if page.author:
            report["author"] = page.author
        if printed and published is None:
            report["published"] = printed
        url = url or page.url
        if url and url in text:
            report["url"] = url
        if pub_date is None or published is not None:
            report["regions_valid_on"] = valid_on.isoformat()
            reviews.append(
                f"report: no printed date; regions read as of {valid_on}, the period the article speaks of"
                if published is None
                else f"report: date {published} given by the operator, not printed"
            )
        report["body"] = {
            "starts_with": _edge(text, page.body, True),
            "ends_with": _edge(text, page.body, False),
        }
        report["drafted_by"] = DRAFTED_BY
        report["reviewed"] = False
        if region_note:
            reviews.append(f"defaults.region: {region_note}")
        if year_guessed:
            reviews.append(f"periods: the article's year {year} is a guess (no date printed)")
        excluded = self._excluded(text, page)
        art = Article(text, page.body, region, pub_date, year, excluded)
        facts = FactDrafter(self.ref, self.finder, regions).draft(art)
        people, statements = draft_statements(text, page.body, paragraphs(text), excluded)
        person_rows = []
        for sp in people:
            if not any(s["person"] == sp.key for s in statements):
                continue
            row = {"key": sp.key, "name": sp.name, "title": sp.title}
            if sp.organization:
                row["organization"] = sp.organization
            places = regions.places(sp.title, (region,) if region else ())
            if places or region:
                row["region"] = places[-1][2] if places else region
            person_rows.append(row)
        regions_of = {p["key"]: p.get("region") for p in person_rows}
        for s in statements:
            if regions_of.get(s["person"], region):
                s["region"] = regions_of.get(s["person"], region)
            s["confidence"] = "medium"
        mapping = {"report": report, "defaults": {"region": region} if region else {}}
        for name, rows in (
            ("figures", facts.figures),
            ("funding", facts.funding),
            ("people", person_rows),
            ("statements", statements),
            ("left_out", _dedupe(facts.left_out)),
        ):
            if rows:
                mapping[name] = rows
        mapping = repair(mapping, text, page.body, self.ref, reviews)
        for name in ("figures", "funding"):
            for i, f in enumerate(mapping.get(name, [])):
                if f.get("review_note"):
                    reviews.append(f"{name}[{i}] ({f['key']}): {f['review_note']}")
        return Draft(mapping, reviews)

    @staticmethod
    def _excluded(text: str, page) -> list[tuple[int, int, str]]:
        """Lines inside the body that are not the article's prose: captions, the headline again."""
        b0, b1 = page.body
        paras = [p for p in paragraphs(text) if b0 <= p.start and p.end <= b1]
        out = []
        title = fold_keep(page.title or "").strip()
        for i, p in enumerate(paras):
            line = text[p.start : p.end]
            prev = text[paras[i - 1].start : paras[i - 1].end] if i else ""
            nxt = text[paras[i + 1].start : paras[i + 1].end] if i + 1 < len(paras) else ""
            prose = len(line.split()) >= 14 and line.rstrip()[-1:] in '.…!?"”'
            if is_inline_link(text, p):
                out.append((p.start, p.end, "a link to another story"))
            elif fold_keep(line).strip() == title:
                out.append((p.start, p.end, "repetition of the headline"))
            elif (
                _IMAGE.search(line)
                or (_IMAGE.search(prev) and not prose)
                or (line in (prev, nxt) and not prose)
                or (not prose and (nxt == line or _IMAGE.search(prev)))
            ):
                out.append((p.start, p.end, "photo caption, not the article's text"))
        return out


def _edge(text: str, body: tuple[int, int], first: bool) -> str:
    """A few words at the start or end of the body, unique on the page."""
    words = text[body[0] : body[1]].split()
    for n in (6, 9, 14, 20, 40):
        part = " ".join(words[:n]) if first else " ".join(words[-n:])
        if len(re.findall(r"\s+".join(map(re.escape, part.split())), text)) == 1:
            return part
    return " ".join(words[:40]) if first else " ".join(words[-40:])


def _dedupe(items: list[dict]) -> list[dict]:
    seen, out = set(), []
    for item in items:
        k = (item["quote"], item.get("within"))
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out
