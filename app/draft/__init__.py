"""The drafter: an article's text in, a mapping in the documented format out (pure Python).

It reads app/vn and the reference data (indicators, programs, gazetteer) and never touches a
database; app/mapping verifies what it writes like any hand-written mapping.
"""

DRAFTED_BY = "povertydb draft 0.1.0"

# THE SWITCH for national and socio-economic-region figures. The regions table learns "VN" and
# "VN-1".."VN-6" in another branch; until that is merged these codes do not verify, so such
# figures go under left_out with NATIONAL_PENDING_REASON. Flip to True after the merge.
NATIONAL_REGIONS_LOADED = True
NATIONAL_PENDING_REASON = "national figure (region VN pending)"
