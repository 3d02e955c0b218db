"""Protected characteristics: the lexicon, the draft lint, and flagging remarks in the record."""

from __future__ import annotations

from assistant.compliance.flagging import JUDGEMENT_FIELDS, characteristics_in, flag_for
from assistant.compliance.lexicon import RULES
from assistant.compliance.lint import Finding, lint

__all__ = [
    "Finding",
    "JUDGEMENT_FIELDS",
    "RULES",
    "characteristics_in",
    "flag_for",
    "lint",
]
