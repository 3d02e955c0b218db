"""The configuration reference, made from the settings themselves: `python -m cli.config_table` prints the
table, `--write` puts it into docs/configuration.md (between its config-table markers); a test fails when
the page and the code disagree."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings

from assistant.core import Settings

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


def group(field: FieldInfo) -> type[BaseSettings] | None:
    """The settings class of a nested group (read with its own prefix), or None for a plain setting."""
    kind = field.annotation
    return kind if isinstance(kind, type) and issubclass(kind, BaseSettings) else None


def variables(settings: type[BaseSettings] = Settings) -> list[tuple[str, FieldInfo]]:
    """Every environment variable and its field, a nested group's in place of the group."""
    prefix = settings.model_config.get("env_prefix", "")
    found: list[tuple[str, FieldInfo]] = []
    for name, field in settings.model_fields.items():
        nested = group(field)
        found.extend(variables(nested) if nested else [(f"{prefix}{name.upper()}", field)])
    return found


def table() -> str:
    lines = ["| Variable | Default | Meaning |", "|---|---|---|"]
    for variable, field in variables():
        meaning = " ".join((field.description or "").split()).replace("|", "\\|")
        lines.append(f"| `{variable}` | {shown_default(field)} | {meaning} |")
    return "\n".join(lines)


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
