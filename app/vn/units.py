"""Administrative units: their type words, names and validity, and a name index over them."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from app.vn.normalize import fold, normalize_name, squash_spaces

REFORM_DATE = dt.date(2025, 7, 1)
ABOVE_PROVINCES = ("country", "macro_region")

# Type words as official names spell them, longest first, with the level they can denote.
UNIT_TYPES = {
    "Thành phố": ("province", "district"),
    "Thị trấn": ("commune",),
    "Đặc khu": ("commune",),
    "Thị xã": ("district",),
    "Phường": ("commune",),
    "Huyện": ("district",),
    "Quận": ("district",),
    "Tỉnh": ("province",),
    "Xã": ("commune",),
}
_TYPE_PREFIX = re.compile(
    r"^(" + "|".join(sorted(UNIT_TYPES, key=len, reverse=True)) + r")\s+(.+)$", re.IGNORECASE
)


def split_type(name: str) -> tuple[str | None, str]:
    """ "Thành Phố Bắc Kạn" -> ("Thành phố", "Bắc Kạn"); "Cao Bằng" -> (None, "Cao Bằng")."""
    clean = squash_spaces(name)
    m = _TYPE_PREFIX.match(clean)
    if not m:
        return None, clean
    canonical = next(t for t in UNIT_TYPES if t.lower() == m[1].lower())
    return canonical, m[2]


@dataclass(frozen=True)
class AdminUnit:
    """One unit in one era. `code` alone is not an identity: codes were reused in 2025."""

    code: str
    name: str  # official name with its type word, e.g. "Xã Trung Hoà"
    unit_type: str
    level: str  # province, district, commune; country, macro_region above the provinces
    parent_code: str | None
    province_code: str | None  # None above the provinces
    valid_from: dt.date | None  # None: since before the records begin
    valid_to: dt.date | None  # None: still valid
    # Other names the text may use: "cả nước" for the country, "ĐBSCL" for a macro-region.
    aliases: tuple[str, ...] = ()

    @property
    def bare_name(self) -> str:
        return split_type(self.name)[1]

    @property
    def name_folded(self) -> str:
        """Search key of the name without its type word: "Xã Trung Hoà" -> "trung hoa"."""
        return fold(self.bare_name)

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class UnitIndex:
    """Units by code and by folded bare name, for lookups in a given era."""

    units: list[AdminUnit]
    _by_code: dict[str, list[AdminUnit]] = field(default_factory=dict, init=False, repr=False)
    _by_name: dict[str, list[AdminUnit]] = field(default_factory=dict, init=False, repr=False)
    _above: list[AdminUnit] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        by_code, by_name = defaultdict(list), defaultdict(list)
        for unit in self.units:
            by_code[unit.code].append(unit)
            for key in dict.fromkeys((unit.name_folded, *(fold(normalize_name(a)) for a in unit.aliases))):
                by_name[key].append(unit)
        self._by_code, self._by_name = dict(by_code), dict(by_name)
        self._above = [u for u in self.units if u.level in ABOVE_PROVINCES]

    def get(self, code: str, on: dt.date) -> AdminUnit | None:
        return next((u for u in self._by_code.get(code, ()) if u.valid_on(on)), None)

    def named(self, name: str, on: dt.date) -> list[AdminUnit]:
        """Units whose bare name or alias folds like `name` (either tone-mark convention), valid on `on`."""
        return [u for u in self._by_name.get(fold(normalize_name(name)), ()) if u.valid_on(on)]

    def above_provinces(self, on: dt.date) -> list[AdminUnit]:
        """The country and the macro-regions valid on `on`."""
        return [u for u in self._above if u.valid_on(on)]

    def ancestors(self, unit: AdminUnit) -> list[str]:
        """Codes of the unit's parent, grandparent..., in the unit's own era."""
        codes, current = [], unit
        on = unit.valid_to or unit.valid_from or REFORM_DATE
        while current.parent_code:
            codes.append(current.parent_code)
            parent = self.get(current.parent_code, on)
            if parent is None:
                break
            current = parent
        return codes
