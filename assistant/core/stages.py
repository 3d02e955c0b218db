"""Interview stages: the recruiter's wording of a common stage, written the common way.

Recruiters write the same stage a dozen ways ("1st int", "first stage", "R1", "2nd interview w/ the
MD"); a record that says "first round" for all of them can be filtered, compared across candidates and
handed to an ATS. Wording that names none of the common stages is kept as typed.
"""

from __future__ import annotations

import re

# "1st" and "first" come before a round ("1st interview"), a number after it ("round 2", "R2").
_ORDINAL_WORDS = {
    "1st": "first", "first": "first", "2nd": "second", "second": "second",
    "3rd": "third", "third": "third", "4th": "fourth", "fourth": "fourth",
}
_NUMBER_WORDS = {
    "one": "first", "1": "first", "two": "second", "2": "second",
    "three": "third", "3": "third", "four": "fourth", "4": "fourth",
}
_ORDINALS = {**_ORDINAL_WORDS, **_NUMBER_WORDS}
_ORDINAL = f"({'|'.join(_ORDINAL_WORDS)})"
_NUMBER = f"({'|'.join(_NUMBER_WORDS)})"
_ROUND = r"(?:round|stage|interview|int|meeting)s?"

# Checked in order: a stage called both "final" and a format is the final; a numbered round is a round
# whatever its format; a format names the stage only when no round number does.
_COMMON: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bfinal\b"), "final"),
    (re.compile(rf"\b{_ORDINAL}(?:\s+\S+)?\s+{_ROUND}\b"), "{} round"),
    (re.compile(rf"\b(?:round|stage)\s+{_NUMBER}\b"), "{} round"),
    (re.compile(r"\br([1-4])\b"), "{} round"),
    (re.compile(r"\bassessment\s+(?:centre|center|day)\b"), "assessment centre"),
    (re.compile(r"\btrial\s+(?:shift|day)\b"), "trial shift"),
    (re.compile(r"\binterview\s+day\b"), "interview day"),
    (re.compile(r"\b(?:technical|tech|coding)\b"), "technical"),
    (re.compile(r"\bpanel\b"), "panel"),
    (re.compile(r"\b(?:phone|telephone)\b|\bscreen(?:ing)?\b"), "phone screen"),
)

# Words that only a stage of an interview process is named with. A clause the model took for the
# stage ("her PA is emailing dates", "said it was fine") holds none of them.
_STAGE_WORDS = re.compile(
    r"\b(?:final|round|stage|interview|int|screen(?:ing)?|phone|telephone|video|panel|technical|tech|"
    r"coding|assessment|test|trial|presentation|on-?site|meeting|chat|r[1-4])s?\b",
)


def common_stage(text: str) -> str | None:
    """'1st interview w/ the merch manager' -> 'first round', 'tech panel' -> 'technical'; None when the
    words name no common stage."""
    lowered = text.lower()
    for pattern, label in _COMMON:
        found = pattern.search(lowered)
        if found:
            return label.format(_ORDINALS[found.group(1)]) if "{}" in label else label
    return None


def names_a_stage(text: str) -> bool:
    """Whether the words name a stage of an interview process at all."""
    return bool(_STAGE_WORDS.search(text.lower()))
