"""docs/configuration.md lists every setting, group by group, with the default and meaning the code gives it."""

from __future__ import annotations

from assistant.core import Settings
from cli.config_table import DOC, table, with_table


def test_the_configuration_page_is_the_table_the_settings_make() -> None:
    page = DOC.read_text()
    assert page == with_table(page), "docs/configuration.md is out of date: run `python -m cli.config_table --write`"


def test_a_page_that_disagrees_with_the_settings_is_caught() -> None:
    page = with_table(DOC.read_text())
    stale = page.replace("`DEBRIEF_LLM_TIMEOUT_S` | `120`", "`DEBRIEF_LLM_TIMEOUT_S` | `60`")
    assert stale != page and stale != with_table(stale)


def test_every_group_and_setting_has_a_meaning_and_each_variable_is_listed_under_its_group() -> None:
    sections = table().split("\n## ")
    sections[0] = sections[0].removeprefix("## ")
    assert len(sections) == len(Settings.groups())
    for section, (name, group) in zip(sections, Settings.groups().items(), strict=True):
        field = Settings.model_fields[name]
        assert field.title and field.description, f"the group {name} has no title or description"
        assert section.startswith(f"{field.title} (`{name}`)")
        for setting, info in group.model_fields.items():
            assert info.description, f"{name}.{setting} has no description"
            assert f"| `{group.variable(setting)}` |" in section

