"""The draft lifecycle: draft -> edited (any number of versions) -> approved | discarded.

Nothing a model wrote is final until a recruiter approves it, and a draft with a blocking finding
(a protected characteristic, a confidential figure, a raw remark) is approved only with a written
reason, which goes into the audit log with the approval.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from assistant.compliance import Finding
from assistant.core import ApprovalBlocked, DraftClosed, InvalidInput

Status = Literal["draft", "edited", "approved", "discarded"]
OPEN: tuple[Status, ...] = ("draft", "edited")
MIN_REASON_CHARS = 15
MAX_DRAFT_CHARS = 20_000


def check_open(status: str, action: str) -> None:
    if status not in OPEN:
        raise DraftClosed(f"the draft is {status}: it cannot be {action}")


def check_edit(status: str, text: str) -> None:
    check_open(status, "edited")
    if not text.strip():
        raise InvalidInput("the edited text is empty: discard the draft instead")
    if len(text) > MAX_DRAFT_CHARS:
        raise InvalidInput(f"the edited text is {len(text)} characters; the limit is {MAX_DRAFT_CHARS}")


def check_approval(status: str, blocking: Sequence[Finding], override_reason: str | None) -> str | None:
    """The override reason to log, or None when nothing needed overriding."""
    check_open(status, "approved")
    if not blocking:
        return None
    reason = (override_reason or "").strip()
    if len(reason) < MIN_REASON_CHARS:
        listed = "; ".join(f"{f.category}: \"{f.text}\"" for f in blocking[:5])
        raise ApprovalBlocked(
            f"{len(blocking)} blocking finding(s) remain ({listed}). Edit the draft to remove them, or approve "
            f"with an override reason of at least {MIN_REASON_CHARS} characters saying why they are acceptable."
        )
    return reason
