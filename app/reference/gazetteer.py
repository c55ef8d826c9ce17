"""The nationwide gazetteer, read from the GSO files shipped in seeds/gazetteer/ as they are.

Units valid until 30 June 2025 (63 provinces, 696 districts, 10,051 communes) come from the
GSO list; units valid from 1 July 2025 (34 provinces, 3,321 communes) and the succession
between the two from the conversion table; the country and its six macro-regions from
seeds/reference/ (app/reference/macro_regions.py). Names are cleaned (white space, capitals of the
type word) but keep their spelling, "Hoà" or "Hòa" as the source prints it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from app.reference.errors import MappingError
from app.reference.macro_regions import MEMBERS_FILE, UNITS_FILE, Membership, read_above_provinces
from app.vn.normalize import fold, normalize_name, squash_spaces
from app.vn.units import REFORM_DATE, AdminUnit, split_type

BEFORE_FILE = Path("gazetteer/units_before_2025-07-01.csv")
PROVINCES_AFTER_FILE = Path("gazetteer/provinces_from_2025-07-01.csv")
CONVERSION_FILE = Path("gazetteer/conversion_2025-07-01.csv")
GAZETTEER_FILES = (BEFORE_FILE, PROVINCES_AFTER_FILE, CONVERSION_FILE, UNITS_FILE, MEMBERS_FILE)
LAST_DAY_BEFORE = REFORM_DATE - dt.timedelta(days=1)
_CODE_IN_PARENS = re.compile(r"\((\d+)\)\s*$")


@dataclass(frozen=True)
class Succession:
    """`predecessor` (pre-reform code) is covered, whole or in part, by `successor` (post-reform)."""

    predecessor_code: str
    successor_code: str
    coverage: str  # whole | partial


@dataclass
class Gazetteer:
    units: list[AdminUnit]
    successions: list[Succession]
    notes: list[str] = field(default_factory=list)  # repairs and gaps in the source data
    # country -> macro-regions and provinces, macro-region -> provinces, per era
    memberships: list[Membership] = field(default_factory=list)


def _typed(name: str, default_type: str) -> tuple[str, str]:
    """Official name with a canonical type word, and that type: "Thành Phố X" -> "Thành phố X"."""
    unit_type, bare = split_type(name)
    unit_type = unit_type or default_type
    return f"{unit_type} {bare}", unit_type


def _rows(path: Path, skip: int) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return list(csv.reader(fh))[skip:]
    except OSError as exc:
        raise MappingError(path, [f"cannot read: {exc}"]) from None


def _before(path: Path) -> list[AdminUnit]:
    provinces, districts, communes = {}, {}, []
    for line, row in enumerate(_rows(path, 1), start=2):
        if len(row) < 7 or not re.fullmatch(r"\d{2}", row[1].strip()):
            raise MappingError(path, [f"line {line}: expected province, district and commune columns"])
        p_code, d_code, c_code = row[1].strip(), row[3].strip(), row[5].strip()
        provinces[p_code] = _typed(row[0], "Tỉnh")
        districts[d_code] = (*_typed(row[2], "Huyện"), p_code)
        if c_code:  # the five island districts have no communes
            communes.append((c_code, *_typed(row[4], row[6].strip() or "Xã"), d_code, p_code))

    def unit(code, name, unit_type, level, parent, province):
        return AdminUnit(code, name, unit_type, level, parent, province, None, LAST_DAY_BEFORE)

    return (
        [unit(c, n, t, "province", None, c) for c, (n, t) in provinces.items()]
        + [unit(c, n, t, "district", p, p) for c, (n, t, p) in districts.items()]
        + [unit(c, n, t, "commune", d, p) for c, n, t, d, p in communes]
    )


def _coverage(note: str) -> str:
    note = squash_spaces(note).lower()
    return "partial" if ("một phần" in note or "phần còn lại" in note) else "whole"


def read_gazetteer(seeds_dir: Path) -> Gazetteer:
    before = _before(seeds_dir / BEFORE_FILE)
    old = {u.code: u for u in before}
    old_by_name = {
        (u.parent_code, fold(normalize_name(u.bare_name))): u for u in before if u.level == "commune"
    }
    notes: list[str] = []

    after: dict[str, AdminUnit] = {}
    for row in _rows(seeds_dir / PROVINCES_AFTER_FILE, 1):
        code = row[1].strip()
        name, unit_type = _typed(row[2], "Tỉnh")
        after[code] = AdminUnit(code, name, unit_type, "province", None, code, REFORM_DATE, None)

    links: dict[str, dict[str, str]] = defaultdict(dict)  # old code -> new code -> coverage
    conversion = seeds_dir / CONVERSION_FILE
    for line, row in enumerate(_rows(conversion, 2), start=3):
        new_code = row[2].strip() if len(row) > 7 else ""
        if not new_code:
            continue  # a province heading row
        province = _CODE_IN_PARENS.search(row[0])
        if province is None or province[1] not in after:
            raise MappingError(conversion, [f"line {line}: no known new province in {row[0]!r}"])
        if new_code not in after:
            name, unit_type = _typed(row[1], "Xã")
            after[new_code] = AdminUnit(
                new_code, name, unit_type, "commune", province[1], province[1], REFORM_DATE, None
            )
        old_code, coverage = row[4].strip(), _coverage(row[5])
        old_district = _CODE_IN_PARENS.search(row[6])
        if not old_code:
            # An island district turned special zone; other code-less rows are no unit.
            if old_district and "toàn bộ huyện" in row[5]:
                links[old_district[1]][new_code] = "whole"
            else:
                notes.append(f"{conversion.name} line {line}: {squash_spaces(row[3])!r} has no code; skipped")
            continue
        if old_code not in old:
            district = old_district[1] if old_district else None
            match = old_by_name.get((district, fold(normalize_name(split_type(row[3])[1]))))
            if match is None:
                notes.append(f"{conversion.name} line {line}: old code {old_code} is not in the GSO list")
                continue
            notes.append(
                f"{conversion.name} line {line}: old code {old_code} read as {match.code} ({match.name})"
            )
            old_code = match.code
        if links[old_code].get(new_code) != "partial":
            links[old_code][new_code] = coverage

    successions = _with_higher_levels(links, old, after)
    unlinked = [u for u in before if u.level == "commune" and u.code not in links]
    if unlinked:
        notes.append(f"{len(unlinked)} pre-reform communes have no successor in the conversion table")
    units = before + list(after.values())
    above, memberships = read_above_provinces(
        seeds_dir, [u for u in units if u.level == "province"], LAST_DAY_BEFORE
    )
    return Gazetteer(units + above, successions, notes, memberships)


def _with_higher_levels(
    links: dict[str, dict[str, str]], old: dict[str, AdminUnit], new: dict[str, AdminUnit]
) -> list[Succession]:
    """Commune links as given (a unit split over several successors is partial in each), plus
    district -> province and province -> province, whole where all of it went to one province."""
    out: list[Succession] = []
    up: dict[str, set[str]] = defaultdict(set)
    for old_code, targets in links.items():
        unit = old[old_code]
        for new_code, coverage in targets.items():
            out.append(Succession(old_code, new_code, coverage if len(targets) == 1 else "partial"))
            province = new[new_code].province_code
            district = unit.parent_code if unit.level == "commune" else unit.code
            up[district].add(province)
            up[unit.province_code].add(province)
    for old_code, provinces in sorted(up.items()):
        for province in sorted(provinces):
            out.append(Succession(old_code, province, "whole" if len(provinces) == 1 else "partial"))
    return out
