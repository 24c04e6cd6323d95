"""An installed kpb has every subpackage: pyproject's explicit list names each folder."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_every_subpackage_is_shipped():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
                 ["tool"]["setuptools"]["packages"])
    folders = {"kpb." + p.parent.name for p in (ROOT / "kpb").glob("*/__init__.py")}
    assert folders <= listed, f"missing from pyproject.toml: {sorted(folders - listed)}"
