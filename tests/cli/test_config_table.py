"""docs/configuration.md lists every setting, with the default and meaning the code gives it."""

from __future__ import annotations

from assistant.core import Settings
from cli.config_table import DOC, group, table, variables, with_table


def test_the_configuration_page_is_the_table_the_settings_make() -> None:
    page = DOC.read_text()
    assert page == with_table(page), "docs/configuration.md is out of date: run `python -m cli.config_table --write`"


def test_every_setting_has_a_meaning_and_its_variable_is_listed() -> None:
    rendered = table()
    for name, field in Settings.model_fields.items():
        assert field.description, f"{name} has no description"
        nested = group(field)
        if nested is None:
            assert f"`DEBRIEF_{name.upper()}`" in rendered
            continue
        prefix = nested.model_config.get("env_prefix", "")
        for inner, inner_field in nested.model_fields.items():
            assert inner_field.description, f"{name}.{inner} has no description"
            assert f"`{prefix}{inner.upper()}`" in rendered


def test_a_nested_group_is_listed_by_its_own_variables() -> None:
    listed = [variable for variable, _ in variables()]
    assert "DEBRIEF_ATS" not in listed
    assert "DEBRIEF_ATS_POLL_INTERVAL_S" in listed and "DEBRIEF_ATS_GREENHOUSE_API_KEY" in listed
