"""Thin click commands over the library; user mistakes become messages and non-zero exits.

The group lives in app/cli/base.py; each module below adds its commands to it.
"""

from app.cli import database, drafting, loading, output  # noqa: F401  (registers the commands)
from app.cli.base import cli
from app.cli.loading import load_seeds_command

__all__ = ["cli", "load_seeds_main"]


def load_seeds_main() -> None:
    """Entry point of the `load-seeds` console script: `povertydb load-seeds`."""
    load_seeds_command(prog_name="load-seeds")
