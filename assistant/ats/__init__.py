"""The hand-off to the recruiter's applicant tracking system: links to the ATS's records, signed webhooks
delivered from a transactional outbox, notes posted through each ATS's connector, and bulk export."""

from __future__ import annotations

from assistant.ats.connectors import Ashby, Connector, ConnectorError, Greenhouse, Lever, configured
from assistant.ats.courier import Courier, Round
from assistant.ats.endpoints import Attempt, Delivery, Endpoint, Webhooks
from assistant.ats.events import EVENT_TYPES, SCHEMA_VERSION
from assistant.ats.events import record as record_event
from assistant.ats.export import FORMATS, export
from assistant.ats.links import SYSTEMS, AtsLink, Links, checked
from assistant.ats.notes import NOTE_KINDS, NoteDelivery, NoteStatus
from assistant.ats.signing import new_secret, signature, signed_headers
from assistant.ats.triggers import after_commit, on_debrief_completed, on_draft_approved
from assistant.ats.webhook_delivery import Claimed, Sent, WebhookDelivery

__all__ = [
    "EVENT_TYPES",
    "FORMATS",
    "NOTE_KINDS",
    "SCHEMA_VERSION",
    "SYSTEMS",
    "Ashby",
    "AtsLink",
    "Attempt",
    "Claimed",
    "Connector",
    "ConnectorError",
    "Courier",
    "Delivery",
    "Endpoint",
    "Greenhouse",
    "Lever",
    "Links",
    "NoteDelivery",
    "NoteStatus",
    "Round",
    "Sent",
    "WebhookDelivery",
    "Webhooks",
    "after_commit",
    "checked",
    "configured",
    "export",
    "new_secret",
    "on_debrief_completed",
    "on_draft_approved",
    "record_event",
    "signature",
    "signed_headers",
]
