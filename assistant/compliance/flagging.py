"""Remarks that touch a protected characteristic, caught in code as well as by the model.

A hiring manager's "the older patients might struggle with her accent" must end up as a compliance
flag, never as an ordinary concern that a feedback draft could repeat. A small model files such a
remark under `concerns` as often as not, so every captured item is also checked against the
protected characteristics themselves (UK Equality Act categories, as the record contract lists them).
The words and phrases are the draft lint's (assistant/lexicon.py): a remark is flagged in the record
exactly when the same words would block a draft.
"""

from __future__ import annotations

from assistant.compliance.lint import lint

# The record contract's label for each protected rule of the lint, in the order flags are written.
LABELS: dict[str, str] = {
    "protected.age": "age",
    "protected.pregnancy": "pregnancy/family plans",
    "protected.race": "race",
    "protected.religion": "religion",
    "protected.disability": "disability",
    "protected.nationality": "nationality/accent",
    "protected.sex": "sex",
    "protected.sexual_orientation": "sexual orientation",
    "protected.marital_status": "marital status",
}

# Fields holding judgements of the candidate: a protected remark there is moved out, not copied,
# so nothing downstream can quote it as a reason.
JUDGEMENT_FIELDS = frozenset({"concerns", "red_flags", "weak_areas", "interview_conduct"})


def characteristics_in(text: str) -> list[str]:
    touched = {finding.rule for finding in lint(text) if finding.severity == "blocking"}
    return [label for rule, label in LABELS.items() if rule in touched]


def flag_for(text: str) -> str | None:
    """'age + nationality/accent: <the remark>' or None when nothing protected is touched."""
    found = characteristics_in(text)
    return f"{' + '.join(found)}: {text}" if found else None
