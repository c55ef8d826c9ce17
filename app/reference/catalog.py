"""Reference data the mappings point at: indicators, programs and the gazetteer, from seeds/."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from app import vocab
from app.reference.errors import MappingError, pydantic_problems
from app.reference.gazetteer import GAZETTEER_FILES, Gazetteer, read_gazetteer
from app.reference.periods import parse_period
from app.reference.yamlfile import load_yaml
from app.vn.units import AdminUnit, UnitIndex

INDICATORS_FILE = Path("reference/indicators.yaml")
PROGRAMS_FILE = Path("reference/programs.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class IndicatorDef(_Strict):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    name_vi: str
    name_en: str
    unit: Literal[vocab.UNITS]
    measure: Literal[vocab.MEASURES]
    description: str | None = None
    cues: list[str] = Field(default_factory=list, description="Vietnamese phrases that signal it (folded).")


class ProgramDef(_Strict):
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    name_vi: str
    name_en: str
    kind: Literal[vocab.PROGRAM_KINDS]
    parent: str | None = None
    period: str | None = None


@dataclass(frozen=True)
class Reference:
    indicators: dict[str, IndicatorDef]
    programs: dict[str, ProgramDef]
    gazetteer: Gazetteer
    units: UnitIndex
    digest: str  # sha256 of every reference file: a change reloads every report

    def region(self, code: str, day: dt.date) -> AdminUnit | None:
        return self.units.get(code, day)


def _read_yaml_list(path: Path, model: type[_Strict]) -> list:
    raw = load_yaml(path) or []
    try:
        return TypeAdapter(list[model]).validate_python(raw)
    except ValidationError as exc:
        raise MappingError(path, pydantic_problems(exc)) from None


def _unique(path: Path, items: list, what: str) -> dict:
    out: dict = {}
    for item in items:
        if item.code in out:
            raise MappingError(path, [f"{what} code {item.code!r} is defined twice"])
        out[item.code] = item
    return out


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
    gazetteer = read_gazetteer(seeds_dir)
    return Reference(indicators, programs, gazetteer, UnitIndex(gazetteer.units), reference_digest(seeds_dir))


def reference_digest(seeds_dir: Path) -> str:
    """sha256 of every reference file, without parsing them (a load that reads no article needs
    only this to know the reference data did not change)."""
    digest = hashlib.sha256()
    for path in (
        seeds_dir / INDICATORS_FILE,
        seeds_dir / PROGRAMS_FILE,
        *(seeds_dir / f for f in GAZETTEER_FILES),
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()
