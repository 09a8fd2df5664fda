"""Every setting is documented in the README (as datasette's test_docs holds its settings)."""

from dataclasses import fields
from pathlib import Path

from dashboard.settings import SETTINGS_HELP, Settings

README = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")


def test_every_setting_has_help_and_is_in_the_readme():
    names = [f.name for f in fields(Settings)]
    assert sorted(names) == sorted(SETTINGS_HELP)
    for name in names:
        assert f"`FRONTLINE_{name.upper()}`" in README, f"FRONTLINE_{name.upper()} undocumented"


def test_readme_starts_with_the_two_commands():
    first_block = README.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
