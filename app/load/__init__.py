"""Set-based, idempotent sync of reference data and mappings into the database."""
