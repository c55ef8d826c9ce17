"""Read seed YAML files strictly: a repeated key or a non-NFC string is an error naming its line.

Plain `yaml.safe_load` keeps the last of two equal keys, so a repeated `defaults:` block would
silently win over the first. The loaders below refuse it. libyaml's CSafeLoader parses about ten
times faster; it shares the Python constructor, so the same duplicate check runs on both.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError

from app.reference.errors import MappingError

_MAX_LINES_LISTED = 5


class DuplicateKeyError(ConstructorError):
    """A key repeated in one YAML mapping; `line` and `first_line` are 1-based."""

    def __init__(self, key, line: int, first_line: int):
        self.key, self.line, self.first_line = key, line, first_line
        super().__init__(
            problem=f"line {line}: key {key!r} is repeated (first on line {first_line}); "
            "YAML would silently keep only the last one"
        )

    def __str__(self) -> str:
        return self.problem


class _UniqueKeys:
    """Constructor mixin: refuse a mapping that repeats a key (merge keys `<<` excepted)."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise DuplicateKeyError(key, line, seen[key])
                    seen[key] = line
                except TypeError:
                    continue  # an unhashable key: the base constructor reports it
        return super().construct_mapping(node, deep=deep)


class UniqueKeySafeLoader(_UniqueKeys, yaml.SafeLoader):
    """The pure-Python safe loader, refusing repeated keys."""


if getattr(yaml, "__with_libyaml__", False):

    class UniqueKeyCSafeLoader(_UniqueKeys, yaml.CSafeLoader):
        """libyaml's parser with the safe constructor, refusing repeated keys."""

    LOADER: type = UniqueKeyCSafeLoader
else:  # pragma: no cover - PyYAML built without libyaml
    LOADER = UniqueKeySafeLoader


def not_nfc_lines(text: str) -> list[int]:
    """1-based numbers of the lines that are not in Unicode NFC (e.g. saved decomposed, NFD)."""
    return [
        n for n, line in enumerate(text.split("\n"), start=1) if not unicodedata.is_normalized("NFC", line)
    ]


def load_yaml(path: Path, loader: type = LOADER):
    """Parse `path`: UTF-8, NFC, no repeated keys; any problem is a MappingError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(path, [f"cannot read: {exc}"]) from None
    text = text.removeprefix("\ufeff")
    lines = not_nfc_lines(text)
    if lines:
        shown = ", ".join(map(str, lines[:_MAX_LINES_LISTED])) + (
            " …" if len(lines) > _MAX_LINES_LISTED else ""
        )
        raise MappingError(
            path,
            [
                f"{'line' if len(lines) == 1 else 'lines'} {shown}: text is not in Unicode NFC"
                " (saved decomposed, e.g. NFD); "
                "save the file as NFC, the form page texts are compared in"
            ],
        )
    try:
        return yaml.load(text, Loader=loader)  # both loaders are safe loaders
    except DuplicateKeyError as exc:
        raise MappingError(path, [str(exc)]) from None
    except yaml.YAMLError as exc:
        raise MappingError(path, [f"not valid YAML: {exc}"]) from None
