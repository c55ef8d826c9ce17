"""Reference data the mappings point at: indicators, programs and regions, read from seeds/."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app.mapping.errors import MappingError, pydantic_problems
from app.mapping.periods import parse_period
from app.vn.normalize import fold

INDICATORS_FILE = Path("reference/indicators.yaml")
PROGRAMS_FILE = Path("reference/programs.yaml")
REGIONS_FILE = Path("gazetteer/regions.csv")
REGION_COLUMNS = ("code", "name", "unit_type", "level", "parent_code", "valid_from", "valid_to")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorDef(_Strict):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name_vi: str
    name_en: str
    unit: Literal[
        "percent",
        "percentage_points",
        "vnd",
        "households",
        "persons",
        "workers",
        "projects",
        "models",
        "works",
        "houses",
        "cards",
        "classes",
        "communes",
        "villages",
    ]
    measure: Literal["level", "change"]
    description: str | None = None


class ProgramDef(_Strict):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    name_vi: str
    name_en: str
    kind: Literal["national_target_program", "project", "sub_project", "fund", "credit", "movement"]
    parent: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    unit_type: str
    level: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None

    @property
    def name_folded(self) -> str:
        return fold(self.name)

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass(frozen=True)
class Reference:
    indicators: dict[str, IndicatorDef]
    programs: dict[str, ProgramDef]
    regions: list[RegionRow]

    def region(self, code: str, day: dt.date) -> RegionRow | None:
        return next((r for r in self._by_code.get(code, ()) if r.valid_on(day)), None)

    @property
    def _by_code(self) -> dict[str, list[RegionRow]]:
        cache = self.__dict__.get("_region_index")
        if cache is None:
            cache = {}
            for row in self.regions:
                cache.setdefault(row.code, []).append(row)
            object.__setattr__(self, "_region_index", cache)
        return cache


def _read_yaml_list(path: Path, model: type[_Strict]) -> list:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        return TypeAdapter(list[model]).validate_python(raw)
    except OSError as exc:
        raise MappingError(path, [f"cannot read: {exc}"]) from None
    except yaml.YAMLError as exc:
        raise MappingError(path, [f"not valid YAML: {exc}"]) from None
    except ValidationError as exc:
        raise MappingError(path, pydantic_problems(exc)) from None


def _unique(path: Path, items: list, what: str) -> dict:
    out: dict = {}
    for item in items:
        if item.code in out:
            raise MappingError(path, [f"{what} code {item.code!r} is defined twice"])
        out[item.code] = item
    return out


def read_regions(path: Path) -> list[RegionRow]:
    rows: list[RegionRow] = []
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            if tuple(reader.fieldnames or ()) != REGION_COLUMNS:
                raise MappingError(path, [f"header must be {','.join(REGION_COLUMNS)}"])
            for line, rec in enumerate(reader, start=2):
                try:
                    rows.append(
                        RegionRow(
                            code=rec["code"],
                            name=rec["name"],
                            unit_type=rec["unit_type"],
                            level=rec["level"],
                            parent_code=rec["parent_code"] or None,
                            valid_from=dt.date.fromisoformat(rec["valid_from"])
                            if rec["valid_from"]
                            else None,
                            valid_to=dt.date.fromisoformat(rec["valid_to"]) if rec["valid_to"] else None,
                        )
                    )
                except (TypeError, ValueError) as exc:
                    raise MappingError(path, [f"line {line}: {exc}"]) from None
    except OSError as exc:
        raise MappingError(path, [f"cannot read: {exc}"]) from None
    return rows


def read_reference(seeds_dir: Path) -> Reference:
    indicators_path = seeds_dir / INDICATORS_FILE
    programs_path = seeds_dir / PROGRAMS_FILE
    indicators = _unique(indicators_path, _read_yaml_list(indicators_path, IndicatorDef), "indicator")
    programs = _unique(programs_path, _read_yaml_list(programs_path, ProgramDef), "program")
    for program in programs.values():
        if program.parent is not None and program.parent not in programs:
            raise MappingError(programs_path, [f"{program.code}: unknown parent {program.parent!r}"])
        if program.period is not None:
            try:
                parse_period(program.period)
            except ValueError as exc:
                raise MappingError(programs_path, [f"{program.code}: {exc}"]) from None
    return Reference(indicators, programs, read_regions(seeds_dir / REGIONS_FILE))
