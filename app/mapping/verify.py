"""Check a mapping against its article and turn it into rows with exact spans.

Every quote must occur exactly once in the article body; every value must be one the
Vietnamese number parser reads in its own quote. All problems of a file are reported together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from app.mapping.coverage import Covered, Span, coverage, fact_values
from app.mapping.evidence import check_value, find_all, unique_span
from app.mapping.rules import figure_value_problems, funding_value_problems
from app.mapping.schema import Figure, FundingItem, Mapping, Passage, read_mapping, resolve_period
from app.reference.catalog import Reference
from app.reference.errors import MappingError
from app.vn.dates import parse_printed_date
from app.vn.normalize import fold, nfc, page_text


@dataclass
class VerifiedReport:
    """A report and its fact rows, ready to stage (plain values, no database types)."""

    report: dict
    observations: list[dict] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)
    people: list[dict] = field(default_factory=list)
    positions: list[dict] = field(default_factory=list)
    statements: list[dict] = field(default_factory=list)
    coverage: list[Covered] = field(default_factory=list)
    path: Path | None = None  # the mapping file, to name it in messages about these rows


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Checker:
    def __init__(self, text: str, body: tuple[int, int]):
        self.text = text
        self.body_start, self.body_end = body
        self.problems: list[str] = []

    def locate(self, where: str, item: Passage) -> tuple[int, int] | None:
        """Absolute [start, end) of `item.quote`, unique within the body (or within `within`)."""
        body = self.text[self.body_start : self.body_end]
        anchor = item.within or item.quote
        hits = find_all(body, anchor)
        if len(hits) != 1:
            problem = (
                "is not in the article body"
                if not hits
                else f"occurs {len(hits)} times in the body; quote more words or add a unique `within`"
            )
            self.problems.append(f"{where}: {_field(item)} {anchor!r} {problem}")
            return None
        start, end = hits[0]
        if item.within:
            inner = find_all(body[start:end], item.quote)
            if len(inner) != 1:
                self.problems.append(f"{where}: quote {item.quote!r} occurs {len(inner)} times in `within`")
                return None
            start, end = start + inner[0][0], start + inner[0][1]
        if item.until:
            tail = find_all(body, item.until, start)
            if not tail:
                self.problems.append(f"{where}: until {item.until!r} does not follow the quote in the body")
                return None
            end = tail[0][1]
        return self.body_start + start, self.body_start + end

    def evidence(self, where: str, item: Passage) -> dict:
        """The span columns of a row: offsets and the exact words; empty if not located."""
        located = self.locate(where, item)
        if located is None:
            return {}
        start, end = located
        return {"char_start": start, "char_end": end, "evidence_text": self.text[start:end]}


def _trust(item) -> dict:
    """How sure a drafter was of the fact, and why: NULL in hand-written mappings."""
    return {"confidence": item.confidence, "review_note": item.review_note}


def _field(item: Passage) -> str:
    return "within" if item.within else "quote"


def verify(
    mapping: Mapping,
    text: str,
    ref: Reference,
    *,
    path: Path,
    source_file: str,
    mapping_bytes: bytes,
    check_coverage: bool = True,
) -> VerifiedReport:
    """Every problem of the file at once, as one MappingError; else the rows.

    `check_coverage` off is for tests of spans and values on texts made by hand.
    """
    meta = mapping.report
    problems: list[str] = []
    for name in ("title", "publisher", "author", "published", "url"):
        value = getattr(meta, name)
        if value is not None and not find_all(text, value):
            problems.append(f"report.{name}: {value!r} is not printed on the page")
    published_on = None
    if meta.published is not None:
        try:
            published_on = parse_printed_date(meta.published)
        except ValueError as exc:
            problems.append(f"report.published: {exc}")
    valid_on = meta.regions_valid_on or published_on
    if valid_on is None:
        problems.append("report.regions_valid_on: required when the page prints no publication date")
    start = unique_span(text, meta.body.starts_with)
    end = unique_span(text, meta.body.ends_with, start[0] if isinstance(start, tuple) else 0)
    for name, res in (("starts_with", start), ("ends_with", end)):
        if isinstance(res, str):
            problems.append(f"report.body.{name}: {res}")
    if problems:
        raise MappingError(path, problems)
    assert isinstance(start, tuple) and isinstance(end, tuple) and valid_on is not None
    body = (start[0], end[1])
    checker = _Checker(text, body)
    out = VerifiedReport(
        path=path,
        report={
            "slug": meta.slug,
            "source_file": source_file,
            "text": text,
            "sha256": sha256_hex(text.encode("utf-8")),
            "title": meta.title,
            "publisher": meta.publisher,
            "author": meta.author,
            "published_as_printed": meta.published,
            "published_on": published_on,
            "url": meta.url,
            "body_start": body[0],
            "body_end": body[1],
            "regions_valid_on": valid_on,
            "mapping_sha256": sha256_hex(mapping_bytes),
            "drafted_by": meta.drafted_by,
            "reviewed": meta.is_reviewed,
        },
    )
    d = mapping.defaults

    def common(where: str, item, region: str | None, program: str | None, period: str | None):
        row = {"report_slug": meta.slug, "fact_key": item.key} | _trust(item)
        code = region or d.region
        if code is None:
            checker.problems.append(f"{where}: no region (set it or defaults.region)")
        elif ref.region(code, valid_on) is None:
            checker.problems.append(f"{where}: region {code!r} is not a unit valid on {valid_on}")
        prog = program or d.program
        if prog is not None and prog not in ref.programs:
            checker.problems.append(f"{where}: unknown program {prog!r}")
        span = resolve_period(period, d.period)
        if span is None:
            checker.problems.append(f"{where}: no period (set it or defaults.period)")
        row |= checker.evidence(where, item)
        row |= {
            "region_code": code,
            "regions_valid_on": valid_on,
            "program_code": prog,
            "period_start": span.start if span else None,
            "period_end": span.end if span else None,
        }
        return row

    for i, fig in enumerate(mapping.figures):
        where = f"figures[{i}] ({fig.key})"
        row = common(where, fig, fig.region, fig.program, fig.period)
        out.observations.append(row | _figure_fields(fig, where, ref, d.status, checker.problems))
    for i, fund in enumerate(mapping.funding):
        where = f"funding[{i}] ({fund.key})"
        row = common(where, fund, fund.region, fund.program, fund.period)
        out.funding.append(row | _funding_fields(fund, where, text, body, checker.problems))
    _people_and_statements(mapping, ref, valid_on, checker, out)
    if check_coverage:
        out.coverage = _check_coverage(mapping, text, body, out, checker)
    if checker.problems:
        raise MappingError(path, checker.problems)
    return out


def _figure_fields(
    fig: Figure, where: str, ref: Reference, default_status: str | None, problems: list[str]
) -> dict:
    ind = ref.indicators.get(fig.indicator)
    status = fig.status or default_status
    if status is None:
        problems.append(f"{where}: no status (set it or defaults.status)")
    baseline = resolve_period(fig.baseline, None)
    if ind is None:
        problems.append(f"{where}: unknown indicator {fig.indicator!r}")
    else:
        if ind.measure == "change" and baseline is None:
            problems.append(f"{where}: indicator {ind.code} is a change and needs a `baseline` period")
        if ind.measure != "change" and baseline is not None:
            problems.append(f"{where}: `baseline` only applies to change indicators")
        error = check_value(fig.quote, fig.value, fig.value_high, fig.qualifier, ind.unit, ind.measure)
        if error:
            problems.append(f"{where}: {error}")
        rules = figure_value_problems(ind.code, ind.unit, ind.measure, fig.value, fig.value_high)
        problems.extend(f"{where}: {p}" for p in rules)
    return {
        "indicator_code": fig.indicator,
        "value": fig.value,
        "value_high": fig.value_high,
        "qualifier": fig.qualifier,
        "status": status,
        "baseline_period_start": baseline.start if baseline else None,
        "baseline_period_end": baseline.end if baseline else None,
    }


def _funding_fields(
    fund: FundingItem, where: str, text: str, body: tuple[int, int], problems: list[str]
) -> dict:
    error = check_value(fund.quote, fund.amount_vnd, fund.amount_high_vnd, fund.qualifier, "vnd", "level")
    if error:
        problems.append(f"{where}: {error}")
    problems.extend(f"{where}: {p}" for p in funding_value_problems(fund.amount_vnd, fund.amount_high_vnd))
    if fund.purpose is not None and not find_all(text[body[0] : body[1]], fund.purpose):
        problems.append(f"{where}: purpose {fund.purpose!r} is not words of the article body")
    return {
        "amount_vnd": fund.amount_vnd,
        "amount_high_vnd": fund.amount_high_vnd,
        "qualifier": fund.qualifier,
        "status": fund.status,
        "funding_source": fund.source,
        "purpose": fund.purpose,
    }


def _people_and_statements(
    mapping: Mapping, ref: Reference, valid_on: dt.date, checker: _Checker, out: VerifiedReport
) -> None:
    slug = mapping.report.slug
    people = {p.key: p for p in mapping.people}
    for i, person in enumerate(mapping.people):
        if not find_all(checker.text[checker.body_start : checker.body_end], person.name):
            checker.problems.append(f"people[{i}] ({person.key}): name {person.name!r} is not in the body")
        if person.region is not None and ref.region(person.region, valid_on) is None:
            checker.problems.append(f"people[{i}] ({person.key}): region {person.region!r} is not valid")
        out.people.append(
            {"key": person.key, "full_name": nfc(person.name), "name_folded": fold(person.name)}
        )
        out.positions.append(
            {
                "report_slug": slug,
                "person_key": person.key,
                "title": person.title,
                "organization": person.organization,
                "region_code": person.region,
                "regions_valid_on": valid_on,
            }
        )
    for i, st in enumerate(mapping.statements):
        where = f"statements[{i}] ({st.key})"
        if st.person not in people:
            checker.problems.append(f"{where}: unknown person {st.person!r} (list them under people)")
        if st.region is not None and ref.region(st.region, valid_on) is None:
            checker.problems.append(f"{where}: region {st.region!r} is not valid on {valid_on}")
        row = {
            "report_slug": slug,
            "fact_key": st.key,
            "person_key": st.person,
            "kind": st.kind,
            "region_code": st.region,
            "regions_valid_on": valid_on,
        } | _trust(st)
        out.statements.append(row | checker.evidence(where, st))


def _check_coverage(
    mapping: Mapping, text: str, body: tuple[int, int], out: VerifiedReport, checker: _Checker
) -> list[Covered]:
    facts = [
        Span(r["char_start"], r["char_end"], r["fact_key"], fact_values(r["value"], r["value_high"]))
        for r in out.observations
        if "char_start" in r
    ] + [
        Span(
            r["char_start"], r["char_end"], r["fact_key"], fact_values(r["amount_vnd"], r["amount_high_vnd"])
        )
        for r in out.funding
        if "char_start" in r
    ]
    passages = []
    for i, item in enumerate(mapping.left_out):
        located = checker.locate(f"left_out[{i}]", item)
        if located is not None:
            passages.append((i, Span(*located, item.reason)))
    if checker.problems:
        return []  # spans are incomplete; coverage would only repeat the problems
    covered = coverage(text, body, facts, [p for _, p in passages])
    for c in covered:
        if c.status == "unexplained":
            line = text.count("\n", 0, c.token.start) + 1
            context = text[max(body[0], c.token.start - 30) : c.token.end + 20].replace("\n", " ")
            checker.problems.append(
                f"coverage: {c.token.text!r} on line {line} is {c.by}: ...{context}... "
                "(map it to a figure or funding item, or list it under left_out with a reason)"
            )
    for i, passage in passages:
        if not any(c.status == "left_out" and c.by == passage.label and
                   passage.start <= c.token.start < passage.end for c in covered):  # fmt: skip
            checker.problems.append(f"left_out[{i}]: {mapping.left_out[i].quote!r} leaves out no number")
    return covered


def verify_file(mapping_path: Path, ref: Reference) -> VerifiedReport:
    """Read `NAME.yaml` and the article `NAME.txt` beside it, and verify one against the other."""
    text_path = mapping_path.with_suffix(".txt")
    mapping = read_mapping(mapping_path)
    try:
        raw = text_path.read_bytes()
        text = page_text(raw.decode("utf-8"))
    except OSError as exc:
        raise MappingError(mapping_path, [f"article text {text_path.name} cannot be read: {exc}"]) from None
    except UnicodeDecodeError as exc:
        raise MappingError(text_path, [f"not UTF-8: {exc}"]) from None
    return verify(
        mapping,
        text,
        ref,
        path=mapping_path,
        source_file=text_path.name,
        mapping_bytes=mapping_path.read_bytes(),
    )
