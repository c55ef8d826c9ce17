"""povertydb browse: a local, read-only web viewer of the analytics views, evidence highlighted in place."""
