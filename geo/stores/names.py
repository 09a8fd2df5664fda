"""Dataset names: they become file names and SQL values, so only ``[a-z0-9_-]``."""

from __future__ import annotations

import re

from geo.errors import FrontlineError

__all__ = ["DATASET_NAME", "check_dataset_name"]

DATASET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def check_dataset_name(name: str) -> str:
    """``name`` when it is a valid dataset name, else a FrontlineError naming the rule."""
    if not DATASET_NAME.fullmatch(name or ""):
        raise FrontlineError(
            f"name: {name!r} is not a valid dataset name (lower-case letters, digits, '_' and "
            "'-', at most 40 characters, starting with a letter or digit)",
            param="name",
        )
    return name
