"""The one settings object: groups of knobs, each read from environment variables with the DEBRIEF_ prefix."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from assistant.core.settings.ats import AtsSettings
from assistant.core.settings.data import ContentSettings, PlaybookSettings, PrivacySettings, StorageSettings
from assistant.core.settings.debriefs import ConversationSettings, DraftingSettings, RefinementSettings
from assistant.core.settings.group import SettingsGroup
from assistant.core.settings.models import EmbeddedSettings, JudgeSettings, LLMSettings
from assistant.core.settings.serving import AccessSettings, LimitsSettings, ServerSettings


class Settings(BaseModel):
    """Each group reads its own variables when it is built, so `Settings()` reads the whole environment
    (and `.env`). This object reads none itself: no variable is named after a group.

    In code a group is given whole (`Settings(llm=LLMSettings(model="m"))`) or as its changed fields
    (`Settings(llm={"model": "m"})`); either way the fields not named are still read from the environment.
    `overridden` copies settings with some fields changed."""

    # A field named at this level that is not a group (`Settings(data_dir=...)`, the flat form) would
    # otherwise be dropped without a word.
    model_config = ConfigDict(extra="forbid")

    llm: LLMSettings = Field(
        default_factory=LLMSettings, title="The chat model",
        description=(
            "An OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp) and how calls to it are guarded. "
            "Without an endpoint the embedded model is used."
        ),
    )
    embedded: EmbeddedSettings = Field(
        default_factory=EmbeddedSettings, title="The embedded model",
        description="The llama.cpp server Debrief starts on loopback when no endpoint is configured.",
    )
    privacy: PrivacySettings = Field(
        default_factory=PrivacySettings, title="Personal data",
        description="What personal data leaves the machine, and how long debriefs are kept.",
    )
    storage: StorageSettings = Field(
        default_factory=StorageSettings, title="Storage",
        description="The data directory, the database, the model file and the playbook's passages.",
    )
    content: ContentSettings = Field(
        default_factory=ContentSettings, title="Prompts, flows and playbook files",
        description=(
            "The files that shape what Debrief asks and says. They are data, editable without a code change; "
            "unset, the ones installed with Debrief are used."
        ),
    )
    playbook: PlaybookSettings = Field(
        default_factory=PlaybookSettings, title="The playbook",
        description="How the playbook is embedded and ingested, and how many of its notes a turn is offered.",
    )
    server: ServerSettings = Field(
        default_factory=ServerSettings, title="The server",
        description="Where `debrief serve` listens, how it is reached, and how long a request's answer is replayed.",
    )
    access: AccessSettings = Field(
        default_factory=AccessSettings, title="Access",
        description="Who may call: recruiter API keys, and the web app's sign-ins.",
    )
    limits: LimitsSettings = Field(
        default_factory=LimitsSettings, title="Limits",
        description="How much a caller may send: the size of a message, a job spec and a request, and how often.",
    )
    conversation: ConversationSettings = Field(
        default_factory=ConversationSettings, title="Turns",
        description="What a turn's prompt shows the model besides the newest message.",
    )
    refinement: RefinementSettings = Field(
        default_factory=RefinementSettings, title="The whole-conversation pass",
        description=(
            "When the pass runs that rereads every message and fills what the turns missed, through the same "
            "evidence gate."
        ),
    )
    drafting: DraftingSettings = Field(
        default_factory=DraftingSettings, title="Drafts",
        description=(
            "How long a model draft may run, and how much of it may lack support in the debrief before the "
            "template's draft is used instead."
        ),
    )
    judge: JudgeSettings = Field(
        default_factory=JudgeSettings, title="The evals' judge",
        description=(
            "`debrief eval --suite drafts`: a second OpenAI-compatible model that scores drafts on a rubric. "
            "Unset: no judge (a judge on the same small model mostly measures itself)."
        ),
    )
    ats: AtsSettings = Field(
        default_factory=AtsSettings, title="Sending to your ATS",
        description=(
            "Webhook delivery (the outbox worker, its retries) and the Greenhouse, Lever and Ashby connectors' "
            "credentials."
        ),
    )

    if TYPE_CHECKING:
        # What the constructor accepts once _group_from_values has run, rather than the field types
        # pydantic's dataclass transform would have type checkers require.
        def __init__(self, **groups: SettingsGroup | Mapping[str, Any]) -> None: ...

    @field_validator("*", mode="before")
    @classmethod
    def _group_from_values(cls, value: Any, info: ValidationInfo) -> Any:
        # Validated as a plain model, a dict would give the fields it does not name their defaults, not
        # their variables: a test that sets one field would silently undo the environment it runs in.
        group = cls.groups().get(info.field_name or "")
        if group is not None and isinstance(value, Mapping):
            return group.from_values(value)
        return value

    @classmethod
    def groups(cls) -> dict[str, type[SettingsGroup]]:
        """Each group's name (the attribute) and class, in the order the documentation lists them."""
        found: dict[str, type[SettingsGroup]] = {}
        for name, field in cls.model_fields.items():
            assert isinstance(field.annotation, type) and issubclass(field.annotation, SettingsGroup), name
            found[name] = field.annotation
        return found

    def overridden(self, **groups: Mapping[str, Any]) -> Settings:
        """A copy with some fields changed, named by group: `settings.overridden(llm={"timeout_s": 5.0})`.
        The changed values are validated; nothing is read from the environment again."""
        unknown = sorted(set(groups) - set(self.groups()))
        if unknown:
            raise ValueError(f"Settings has no group {', '.join(unknown)}")
        changed = {name: getattr(self, name).with_values(values) for name, values in groups.items()}
        return self.model_copy(update=changed)


@lru_cache
def get_settings() -> Settings:
    return Settings()
