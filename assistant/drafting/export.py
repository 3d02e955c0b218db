"""Approved drafts leave as files: emails as .eml a mail client opens, notes and specs as markdown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from assistant.drafting.writer import KINDS, DraftKind

_SUBJECT = re.compile(r"\A\s*subject:\s*(?P<subject>[^\n]+)\n+", re.IGNORECASE)


@dataclass(frozen=True)
class ExportFile:
    filename: str
    media_type: str
    content: bytes


def split_subject(text: str, default: str) -> tuple[str, str]:
    match = _SUBJECT.match(text)
    if not match:
        return default, text
    return match.group("subject").strip(), text[match.end():]


def export(kind: DraftKind, draft_id: str, text: str, approved_at: datetime, default_subject: str) -> ExportFile:
    stem = f"{kind.value}-{draft_id[:8]}"
    if KINDS[kind].export == "md":
        return ExportFile(f"{stem}.md", "text/markdown; charset=utf-8", text.encode())
    subject, body = split_subject(text, default_subject)
    message = EmailMessage(policy=SMTP)
    # No recipient: the recruiter's mail client fills it in; the file must not guess an address.
    message["Subject"] = subject
    message["Date"] = format_datetime(approved_at)
    message["X-Debrief-Draft"] = draft_id
    message["X-Unsent"] = "1"  # opens as a draft to send, not as a received message
    message.set_content(body)
    return ExportFile(f"{stem}.eml", "message/rfc822", message.as_bytes())
