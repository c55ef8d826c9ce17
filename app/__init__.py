"""povertydb: Vietnamese poverty-reduction figures and quotes, with exact provenance, in PostgreSQL."""

__version__ = "0.1.0"
