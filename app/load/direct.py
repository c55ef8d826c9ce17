"""A first load's batch, its foreign keys resolved in Python and COPYed straight into the tables.

The rows are those the stages' INSERT ... SELECT (app/load/tables.py) would give: reports and
people by key, indicators and programs by code, a region by its code and the report's reference
date (codes were reused: the unit valid on that date). Only the reports of the batch and the
reference tables (synced before the first batch) are looked up, so a batch never scans a table.
"""

from __future__ import annotations

from collections.abc import Iterator

from app.load.sync import TableSync

# Columns of a fact table that its stage does not hold but resolves (tables.py select_sql).
_RESOLVED = frozenset(
    {"report_id", "indicator_id", "unit", "measure", "region_id", "program_id", "person_id"}
)
_NO_INDICATOR = (None, None, None)


class Resolver:
    """The ids of the reference tables, read once after they are synced (a few MB at most)."""

    def __init__(self, raw):
        with raw.cursor() as cur:
            cur.execute("SELECT code, id, unit, measure FROM indicators")
            self.indicators = {code: (i, unit, measure) for code, i, unit, measure in cur.fetchall()}
            cur.execute("SELECT code, id FROM programs")
            self.programs = dict(cur.fetchall())
            cur.execute("SELECT code, valid_from, valid_to, id FROM regions ORDER BY id")
            self.regions: dict[str, list[tuple]] = {}
            for code, valid_from, valid_to, i in cur.fetchall():
                self.regions.setdefault(code, []).append((valid_from, valid_to, i))

    def region(self, code: str | None, on) -> list[int | None]:
        """Ids of the units `code` names on date `on`, as tables._REGION_AT's LEFT JOIN: [None]
        when none is (NULL compares as unknown: an undated report matches only undated units)."""
        if code is None:
            return [None]
        ids = [
            i
            for valid_from, valid_to, i in self.regions.get(code, ())
            if (valid_from is None or (on is not None and on >= valid_from))
            and (valid_to is None or (on is not None and on <= valid_to))
        ]
        return ids or [None]

    def rows(
        self, spec: TableSync, facts: list[dict], reports: dict[str, int], people: dict[str, int]
    ) -> Iterator[list]:
        """The rows of `spec.columns` for the staged-form `facts` (inner joins drop a fact whose
        report or person is missing, as in select_sql)."""
        columns = list(spec.columns)
        for fact in facts:
            report = reports.get(fact["report_slug"])
            if report is None:
                continue
            person = None
            if "person_id" in columns:
                person = people.get(fact["person_key"])
                if person is None:
                    continue
            indicator = self.indicators.get(fact.get("indicator_code"), _NO_INDICATOR)
            resolved = {
                "report_id": report,
                "person_id": person,
                "indicator_id": indicator[0],
                "unit": indicator[1],
                "measure": indicator[2],
                "program_id": self.programs.get(fact.get("program_code")),
            }
            on = fact["regions_valid_on"]
            for region in self.region(fact.get("region_code"), on):  # a row per unit, as a join
                resolved["region_id"] = region
                yield [resolved[c] if c in _RESOLVED else fact[c] for c in columns]
