"""Draft every seed article from its text alone and compare the draft with the hand mapping.

Per article and overall: hand figures found (a draft figure whose span holds the hand figure's
number, with the same value); of those, the share with the right indicator, region, period,
status and qualifier (and all of them); statements whose span overlaps a hand statement with
the same speaker; extra facts (drafted figures and funding items with no hand counterpart);
and drafting speed in pages per second on one core.

Usage: .venv/bin/python scripts/eval_drafts.py [--seeds-dir seeds] [--repeat 20]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.draft.draft import Drafter
from app.mapping.schema import Mapping
from app.mapping.verify import verify, verify_file
from app.reference.catalog import read_reference
from app.vn.numbers import find_quantities

FIELDS = ("indicator_code", "region_code", "period", "status", "qualifier")


def _number_spans(text: str, row: dict, value_key: str, high_key: str) -> set[tuple[int, int]]:
    """Absolute spans of the quantities in a fact's evidence that state its value."""
    start = row["char_start"]
    values = {abs(row[value_key])} | ({abs(row[high_key])} if row.get(high_key) is not None else set())
    return {
        (start + q.start, start + q.end)
        for q in find_quantities(text[start : row["char_end"]])
        if q.value in values or (q.value_high is not None and q.value_high in values)
    }


def _period(row: dict) -> tuple:
    return (row["period_start"], row["period_end"])


def compare(hand, drafted, text: str) -> dict:
    found = right = 0
    per_field = dict.fromkeys(FIELDS, 0)
    used: set[int] = set()
    misses = []
    for h in hand.observations:
        spans = _number_spans(text, h, "value", "value_high")
        match = None
        for i, d in enumerate(drafted.observations):
            if abs(d["value"]) == abs(h["value"]) and any(
                d["char_start"] <= s and e <= d["char_end"] for s, e in spans
            ):
                match = i
                break
        if match is None:
            misses.append(f"    missed {h['fact_key']}: {h['evidence_text']!r}")
            continue
        used.add(match)
        found += 1
        d = drafted.observations[match]
        ok = True
        for f in FIELDS:
            same = _period(d) == _period(h) if f == "period" else d[f] == h[f]
            if f == "indicator_code":
                same = same and d["value"] == h["value"] and d.get("value_high") == h.get("value_high")
            per_field[f] += same
            if not same:
                ok = False
                hv = _period(h) if f == "period" else h[f]
                dv = _period(d) if f == "period" else d[f]
                misses.append(f"    {h['fact_key']}: {f} drafted {dv} hand {hv}")
        right += ok
    hand_funding = [_number_spans(text, h, "amount_vnd", "amount_high_vnd") for h in hand.funding]
    extra_funding = sum(
        1
        for d in drafted.funding
        if not any(any(d["char_start"] <= s and e <= d["char_end"] for s, e in sp) for sp in hand_funding)
    )
    speakers_right = 0
    names = {p["key"]: p["full_name"] for p in hand.people}
    dnames = {p["key"]: p["full_name"] for p in drafted.people}
    for h in hand.statements:
        if any(
            d["char_start"] < h["char_end"]
            and h["char_start"] < d["char_end"]
            and dnames.get(d["person_key"]) == names.get(h["person_key"])
            for d in drafted.statements
        ):
            speakers_right += 1
    return {
        "figures": len(hand.observations),
        "found": found,
        "right": right,
        "fields": per_field,
        "statements": len(hand.statements),
        "speakers_right": speakers_right,
        "extra": len(drafted.observations) - len(used) + extra_funding,
        "drafted_facts": len(drafted.observations) + len(drafted.funding),
        "misses": misses,
    }


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:5.1f}%" if b else "  n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds-dir", type=Path, default=Path(__file__).resolve().parents[1] / "seeds")
    parser.add_argument("--repeat", type=int, default=20, help="drafting passes over the seeds for speed")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = parser.parse_args()
    ref = read_reference(args.seeds_dir)
    drafter = Drafter(ref)
    totals: dict = {}
    pages = sorted((args.seeds_dir / "articles").glob("*.yaml"))
    print(
        f"{'article':<28} {'found':>13} {'all right':>13} {'ind':>6} {'reg':>6} {'per':>6} {'sta':>6} "
        f"{'qua':>6} {'speakers':>9} {'extra':>5}"
    )
    for path in pages:
        hand = verify_file(path, ref)
        text = hand.report["text"]
        draft = drafter.draft(text)
        raw = draft.to_yaml()
        mapping = Mapping.model_validate(yaml.safe_load(raw))
        drafted = verify(mapping, text, ref, path=path, source_file=path.name, mapping_bytes=raw.encode())
        r = compare(hand, drafted, text)
        for k, v in r.items():
            if k == "fields":
                totals.setdefault(k, dict.fromkeys(FIELDS, 0))
                for f in FIELDS:
                    totals[k][f] += v[f]
            elif k != "misses":
                totals[k] = totals.get(k, 0) + v
        _row(path.stem, r)
        if args.verbose:
            print("\n".join(r["misses"]))
    _row("OVERALL", totals)
    texts = [p.with_suffix(".txt").read_text(encoding="utf-8") for p in pages]
    size = sum(len(t.encode("utf-8")) for t in texts) / len(texts)
    began = time.process_time()
    for _ in range(args.repeat):
        for t in texts:
            drafter.draft(t)
    spent = time.process_time() - began
    n = args.repeat * len(texts)
    rate = n / spent
    print(f"speed: {rate:.1f} pages/s on one core (CPU time; {n} drafts of {size / 1000:.1f} kB on average)")
    found, right = totals["found"] / totals["figures"], totals["right"] / max(1, totals["found"])
    print(
        f"targets: found >= 95% ({'met' if found >= 0.95 else 'NOT met'}), every field right >= 85% "
        f"({'met' if right >= 0.85 else 'NOT met'}), "
        f"speed >= 20 pages/s ({'met' if rate >= 20 else 'NOT met'})"
    )
    return 0


def _row(name: str, r: dict) -> None:
    f = r["fields"]
    found = r["found"]
    print(
        f"{name:<28} {r['found']:>3}/{r['figures']:<3}{_pct(r['found'], r['figures'])} "
        f"{r['right']:>3} {_pct(r['right'], found)} "
        + " ".join(f"{_pct(f[k], found):>6}" for k in FIELDS)
        + f" {r['speakers_right']:>3}/{r['statements']:<3}  {r['extra']:>5}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
