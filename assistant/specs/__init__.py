"""Job specifications: requirements read from a spec, uploaded spec files, and the redline of a revised spec."""

from __future__ import annotations

from assistant.specs.redline import Change, ChangeEvidence, read_spec_upload, redline, requirements

__all__ = [
    "Change",
    "ChangeEvidence",
    "read_spec_upload",
    "redline",
    "requirements",
]
