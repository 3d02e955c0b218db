"""The ground floor: errors, the record's schema and values, settings, prompts, evidence quotes and text."""

from __future__ import annotations

from assistant.core.ats_settings import AtsSettings
from assistant.core.errors import (
    ApprovalBlocked,
    DebriefError,
    DebriefHeld,
    DebriefNotFound,
    DraftClosed,
    DraftNotFound,
    IdempotencyKeyReused,
    InterviewNotFound,
    InvalidInput,
    MessagePending,
    ModelOutputInvalid,
    ModelPaused,
    ModelUnavailable,
    NothingToRetry,
    PlaybookUnavailable,
    StaleVersion,
    TooManyRequests,
    WebhookNotFound,
)
from assistant.core.evidence import Located, locate, normalise
from assistant.core.handoff import Emit, Handoff
from assistant.core.plain_text import clean
from assistant.core.prompts import PromptLibrary
from assistant.core.resources import flows_folder, knowledge_folder, prompts_folder
from assistant.core.schema import (
    FIELD_SPECS,
    SIDES,
    SPECS_BY_KEY,
    AppliedUpdate,
    FieldSpec,
    FieldValue,
    Kind,
    ProposedUpdate,
    Record,
    Rejection,
    Side,
    record_field_names,
    specs_for,
    turn_specs,
)
from assistant.core.settings import Settings, get_settings
from assistant.core.text import STOP_WORDS, stem, words
from assistant.core.typed_text import INVISIBLE, NotUnicode, clean_typed
from assistant.core.values import InvalidValue, answer_in_quote, parse_amount, parse_currency, parse_value

__all__ = [
    "AppliedUpdate",
    "AtsSettings",
    "ApprovalBlocked",
    "DebriefError",
    "DebriefHeld",
    "DebriefNotFound",
    "DraftClosed",
    "DraftNotFound",
    "Emit",
    "FIELD_SPECS",
    "FieldSpec",
    "FieldValue",
    "Handoff",
    "INVISIBLE",
    "IdempotencyKeyReused",
    "InterviewNotFound",
    "InvalidInput",
    "InvalidValue",
    "Kind",
    "Located",
    "MessagePending",
    "ModelOutputInvalid",
    "ModelPaused",
    "ModelUnavailable",
    "NotUnicode",
    "NothingToRetry",
    "PlaybookUnavailable",
    "PromptLibrary",
    "ProposedUpdate",
    "Record",
    "Rejection",
    "SIDES",
    "SPECS_BY_KEY",
    "STOP_WORDS",
    "Settings",
    "Side",
    "StaleVersion",
    "TooManyRequests",
    "WebhookNotFound",
    "answer_in_quote",
    "clean",
    "clean_typed",
    "flows_folder",
    "get_settings",
    "knowledge_folder",
    "locate",
    "normalise",
    "parse_amount",
    "parse_currency",
    "parse_value",
    "prompts_folder",
    "record_field_names",
    "specs_for",
    "turn_specs",
    "stem",
    "words",
]
