"""Both sides of one interview compared: reconciliation, availability, drift and follow-up questions."""

from __future__ import annotations

from assistant.interviews.drift import DriftEntry, drift
from assistant.interviews.followups import followups
from assistant.interviews.reconciliation import Mismatch, MismatchKind, Reconciliation, reconcile

__all__ = [
    "DriftEntry",
    "Mismatch",
    "MismatchKind",
    "Reconciliation",
    "drift",
    "followups",
    "reconcile",
]
