"""Where debriefs live: the database, the hash-chained audit log, erasure and retention, and the tables of
the hand-off to applicant tracking systems."""

from __future__ import annotations

from assistant.storage import audit
from assistant.storage.ats_rows import (
    AtsLinkRow,
    AtsNoteRow,
    OutboxEventRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)
from assistant.storage.erasure import Erased, Erasure, erase_debrief
from assistant.storage.ownership import owned_debrief, owned_interview
from assistant.storage.store import (
    DebriefRow,
    DraftRow,
    DraftVersionRow,
    GuidanceRow,
    IdempotencyRow,
    InterviewDebriefRow,
    InterviewRow,
    MessageRow,
    RecruiterRow,
    SignInRow,
    Store,
    as_utc,
)

__all__ = [
    "AtsLinkRow",
    "AtsNoteRow",
    "OutboxEventRow",
    "WebhookAttemptRow",
    "WebhookDeliveryRow",
    "WebhookEndpointRow",
    "DebriefRow",
    "DraftRow",
    "DraftVersionRow",
    "Erased",
    "Erasure",
    "GuidanceRow",
    "IdempotencyRow",
    "InterviewDebriefRow",
    "InterviewRow",
    "MessageRow",
    "RecruiterRow",
    "SignInRow",
    "Store",
    "as_utc",
    "audit",
    "erase_debrief",
    "owned_debrief",
    "owned_interview",
]
