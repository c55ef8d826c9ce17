"""docs/data-dictionary.md is generated from the catalog and describes every analytics column."""

from __future__ import annotations

from sqlalchemy import text

from app.db import upgrade_schema
from app.dictionary import render_dictionary
from app.settings import PROJECT_ROOT

DICTIONARY = PROJECT_ROOT / "docs" / "data-dictionary.md"


def test_the_data_dictionary_in_docs_is_up_to_date(engine):
    upgrade_schema(engine)
    assert DICTIONARY.read_text(encoding="utf-8") == render_dictionary(engine), (
        "docs/data-dictionary.md is stale: run  povertydb dictionary --output docs/data-dictionary.md"
    )


def test_the_dictionary_describes_every_analytics_column(engine):
    upgrade_schema(engine)
    with engine.connect() as conn:
        columns = conn.execute(
            text("""
            SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'analytics'
        """)
        ).all()
    rendered = render_dictionary(engine)
    assert len(columns) > 100
    for table, column in columns:
        assert f"## `analytics.{table}`" in rendered
        row = next(line for line in rendered.splitlines() if line.startswith(f"| `{column}` |"))
        assert row.rstrip(" |").split("|")[-1].strip(), (table, column)
