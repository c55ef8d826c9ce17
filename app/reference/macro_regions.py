"""The country and its six socio-economic regions, above the provinces, in both eras.

Read from seeds/reference/: the units and their aliases (regions_above_provinces.yaml) and the
member provinces of each macro-region before and after the 2025 reform (macro_region_members.csv).
Every province of an era must belong to exactly one macro-region, named as the gazetteer names it.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app.reference.errors import MappingError, pydantic_problems
from app.vn.normalize import fold, normalize_name
from app.vn.units import REFORM_DATE, AdminUnit

UNITS_FILE = Path("reference/regions_above_provinces.yaml")
MEMBERS_FILE = Path("reference/macro_region_members.csv")
ERAS = {"before": None, "after": REFORM_DATE}  # era -> valid_from of the units of that era
UNIT_TYPES = {"country": "Quốc gia", "macro_region": "Vùng"}


class AboveProvince(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    code: Annotated[str, Field(pattern=r"^VN(-[1-6])?$")]
    level: Literal["country", "macro_region"]
    name: Annotated[str, Field(min_length=1)]
    aliases: list[Annotated[str, Field(min_length=1)]] = []


@dataclass(frozen=True)
class Membership:
    """`member_code` belongs to `group_code`; both units of the era starting `valid_from`."""

    group_code: str
    member_code: str
    valid_from: object  # dt.date | None, as the units of the era


def read_above_provinces(
    seeds_dir: Path, provinces: list[AdminUnit], last_day_before
) -> tuple[list[AdminUnit], list[Membership]]:
    """Units above the provinces (one per era) and their memberships: country -> macro-region,
    macro-region -> province, country -> province (so that a roll-up needs one join)."""
    path = seeds_dir / UNITS_FILE
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        defs = TypeAdapter(list[AboveProvince]).validate_python(raw)
    except OSError as exc:
        raise MappingError(path, [f"cannot read: {exc}"]) from None
    except yaml.YAMLError as exc:
        raise MappingError(path, [f"not valid YAML: {exc}"]) from None
    except ValidationError as exc:
        raise MappingError(path, pydantic_problems(exc)) from None
    countries = [d for d in defs if d.level == "country"]
    if [d.code for d in countries] != ["VN"] or len({d.code for d in defs}) != len(defs):
        raise MappingError(path, ["expected the country VN once and each macro-region code once"])
    macro = {d.code for d in defs if d.level == "macro_region"}
    members = _members(seeds_dir / MEMBERS_FILE, macro, provinces)

    units, links = [], []
    for valid_from in ERAS.values():
        valid_to = last_day_before if valid_from is None else None
        for d in defs:
            aliases = tuple(a for a in d.aliases if a != d.name)
            units.append(
                AdminUnit(
                    d.code, d.name, UNIT_TYPES[d.level], d.level, None, None, valid_from, valid_to, aliases
                )
            )
        for group, province_codes in sorted(members[valid_from].items()):
            links.append(Membership("VN", group, valid_from))
            for code in province_codes:
                links.append(Membership(group, code, valid_from))
                links.append(Membership("VN", code, valid_from))
    return units, links


def _members(path: Path, macro: set[str], provinces: list[AdminUnit]) -> dict:
    """{valid_from: {macro-region: [province codes]}}, checked against the gazetteer's provinces."""
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))[1:]
    except OSError as exc:
        raise MappingError(path, [f"cannot read: {exc}"]) from None
    by_era = {
        valid_from: {u.code: u for u in provinces if u.valid_from == valid_from}
        for valid_from in ERAS.values()
    }
    out: dict = {valid_from: defaultdict(list) for valid_from in ERAS.values()}
    seen: dict = defaultdict(dict)
    problems = []
    for line, row in enumerate(rows, start=2):
        if len(row) != 4 or row[0] not in macro or row[1] not in ERAS:
            problems.append(
                f"line {line}: expected a macro-region code, before|after, a province code and name"
            )
            continue
        group, valid_from, code, name = row[0], ERAS[row[1]], row[2].strip(), row[3]
        province = by_era[valid_from].get(code)
        if province is None:
            problems.append(f"line {line}: {code} is no province {row[1]} the reform")
        elif fold(normalize_name(name)) != province.name_folded:
            problems.append(f"line {line}: province {code} is {province.name!r}, not {name!r}")
        elif code in seen[valid_from]:
            problems.append(f"line {line}: province {code} is already in {seen[valid_from][code]}")
        else:
            seen[valid_from][code] = group
            out[valid_from][group].append(code)
    for era, valid_from in ERAS.items():
        missing = sorted(set(by_era[valid_from]) - set(seen[valid_from]))
        if missing:
            problems.append(f"provinces {era} the reform in no macro-region: {', '.join(missing)}")
    if problems:
        raise MappingError(path, problems)
    return out
