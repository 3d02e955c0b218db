"""What every group of settings shares: it reads its own environment variables and the `.env` file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

from pydantic_settings import BaseSettings, SettingsConfigDict


class SettingsGroup(BaseSettings):
    """One group of the settings object. Each subclass sets its `env_prefix`: `DEBRIEF_LLM_` makes the
    field `model` the variable `DEBRIEF_LLM_MODEL`; a group whose variables share no longer prefix uses
    `DEBRIEF_` and keeps the variable's name as the field's. A field whose variable fits neither names it
    as its `validation_alias` (pydantic-settings then ignores the prefix for it)."""

    # Extra variables are ignored: every group reads the same environment and .env file, so each sees the
    # others' variables (a DEBRIEF_-prefixed group sees all of them). Fields are also set by name in code
    # (validate_by_name), so an aliased field is written `auto_ingest=False`, not by its variable. Frozen:
    # copies of the settings share the groups they did not change.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", validate_by_name=True, frozen=True)

    @classmethod
    def variable(cls, name: str) -> str:
        """The environment variable that sets the field `name`."""
        alias = cls.model_fields[name].validation_alias
        if isinstance(alias, str):
            return alias
        return f"{cls.model_config.get('env_prefix', '')}{name}".upper()

    @classmethod
    def from_values(cls, values: Mapping[str, Any]) -> Self:
        """The group with these fields set, the others read from the environment as usual. Unknown
        names are refused: the environment's extras are ignored, but a misspelt override is a bug."""
        cls.check_names(values)
        return cls(**values)

    def with_values(self, values: Mapping[str, Any]) -> Self:
        """A copy with these fields changed (validated again); the environment is not read again."""
        self.check_names(values)
        return self.model_validate({**self.model_dump(), **values})

    @classmethod
    def check_names(cls, values: Mapping[str, Any]) -> None:
        unknown = sorted(set(values) - set(cls.model_fields))
        if unknown:
            raise ValueError(f"{cls.__name__} has no field {', '.join(unknown)}")
