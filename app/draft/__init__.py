"""The drafter: an article's text in, a mapping in the documented format out (pure Python).

It reads app/vn and the reference data (indicators, programs, gazetteer) and never touches a
database; app/mapping verifies what it writes like any hand-written mapping.
"""

DRAFTED_BY = "povertydb draft 0.1.0"
