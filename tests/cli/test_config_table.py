"""docs/configuration.md lists every setting, with the default and meaning the code gives it."""

from __future__ import annotations

from assistant.core import Settings
from cli.config_table import DOC, table, with_table


def test_the_configuration_page_is_the_table_the_settings_make() -> None:
    page = DOC.read_text()
    assert page == with_table(page), "docs/configuration.md is out of date: run `python -m cli.config_table --write`"


def test_every_setting_has_a_meaning_and_its_variable_is_listed() -> None:
    rendered = table()
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        assert f"`DEBRIEF_{name.upper()}`" in rendered
