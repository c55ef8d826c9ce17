"""Errors in seed files, reported with the file and the field they concern."""

from __future__ import annotations

from pathlib import Path


class MappingError(ValueError):
    """One or more problems in a seed file. `str()` lists them, one per line, file first."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.path = Path(path)
        self.problems = problems
        super().__init__("\n".join(f"{self.path}: {p}" for p in problems))


def pydantic_problems(exc) -> list[str]:
    """pydantic ValidationError -> ["figures[2].value: Input should be a valid decimal", ...]."""
    problems = []
    for err in exc.errors():
        loc = ""
        for part in err["loc"]:
            loc += f"[{part}]" if isinstance(part, int) else (f".{part}" if loc else str(part))
        problems.append(f"{loc or '(top level)'}: {err['msg']}")
    return problems
