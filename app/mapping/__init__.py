"""Per-article mapping files and their verification against the article text."""

from app.reference.errors import MappingError

__all__ = ["MappingError"]
