"""The configuration reference, made from the settings themselves: `python -m cli.config_table` prints a
table for each group of settings, `--write` puts them into docs/configuration.md (between its config-table
markers); a test fails when the page and the code disagree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from assistant.core import Settings, SettingsGroup

DOC = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
START, END = "<!-- config-table:start -->", "<!-- config-table:end -->"


def shown_default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        return "installed with Debrief"
    value: Any = field.default
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, Path):
        home = str(Path.home())
        text = str(value)
        return f"`~{text[len(home):]}`" if text.startswith(home) else f"`{text}`"
    if value == "":
        return "empty"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def one_line(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def group_table(group: type[SettingsGroup]) -> str:
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for name, field in group.model_fields.items():
        lines.append(f"| `{group.variable(name)}` | {shown_default(field)} | {one_line(field.description)} |")
    return "\n".join(lines)


def table() -> str:
    """One section per group, in the order the settings object declares them: its title and name, what
    it configures, and the table of its variables."""
    sections = []
    for name, group in Settings.groups().items():
        field = Settings.model_fields[name]
        sections.append(f"## {field.title} (`{name}`)\n\n{one_line(field.description)}\n\n{group_table(group)}")
    return "\n\n".join(sections)


def with_table(page: str) -> str:
    before, rest = page.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table()}\n{END}{after}"


def main(argv: list[str]) -> int:
    if "--write" in argv:
        DOC.write_text(with_table(DOC.read_text()))
    else:
        print(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
