"""The one settings object and its groups (see `whole.Settings`)."""

from __future__ import annotations

from assistant.core.settings.ats import AtsSettings
from assistant.core.settings.data import ContentSettings, PlaybookSettings, PrivacySettings, StorageSettings
from assistant.core.settings.debriefs import ConversationSettings, DraftingSettings, RefinementSettings
from assistant.core.settings.group import SettingsGroup
from assistant.core.settings.models import EmbeddedSettings, JudgeSettings, LLMSettings
from assistant.core.settings.serving import AccessSettings, LimitsSettings, ServerSettings
from assistant.core.settings.whole import Settings, get_settings

__all__ = [
    "AccessSettings",
    "AtsSettings",
    "ContentSettings",
    "ConversationSettings",
    "DraftingSettings",
    "EmbeddedSettings",
    "JudgeSettings",
    "LLMSettings",
    "LimitsSettings",
    "PlaybookSettings",
    "PrivacySettings",
    "RefinementSettings",
    "ServerSettings",
    "Settings",
    "SettingsGroup",
    "StorageSettings",
    "get_settings",
]
