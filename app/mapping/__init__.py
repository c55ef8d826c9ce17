"""Per-article mapping files and their verification against the article text."""

from app.mapping.errors import MappingError

__all__ = ["MappingError"]
