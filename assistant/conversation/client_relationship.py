"""Whether words speak of how the client deals with us, which is what a relationship risk rests on.

A relationship risk is a client who is slow to answer, has gone quiet, is unhappy with us or is
losing confidence in us. A small model sets it from any sentence of a tense debrief ("she rated his
schematics highly", "on hold"), which sends the recruiter to damage control that nothing calls for.
A "yes" must be quoted from words about answering, silence, displeasure or trust; whom they are about
is left to the model.
"""

from __future__ import annotations

import re

_DEALINGS = re.compile(
    r"\b(?:repl(?:y|ies|ied|ying)|respon(?:d|ds|ded|ding|se|sive|siveness)|answer(?:s|ed|ing)?\s+(?:my|our)|"
    r"(?:get|got|getting|come|came|coming)\s+back\s+to\s+(?:me|us)|back\s+to\s+(?:me|us)|"
    r"(?:gone|went|going|go)\s+(?:\w+\s+)?(?:quiet|silent|dark|cold)|silen(?:t|ce)|radio\s+silence|ghost(?:ed|ing)?|"
    r"ignor(?:e|es|ed|ing)|chas(?:e|es|ed|ing)|unreturned|not\s+returning|won'?t\s+return|"
    r"frozen\s+out|cold\s+shoulder|"
    r"annoyed|unhappy|not\s+happy|frustrat\w*|angry|upset|fed\s+up|disappointed|complain\w*|cross\s+with|"
    r"another\s+agency|other\s+agenc(?:y|ies)|second\s+agency|"
    r"trust\w*|confidence|faith|"
    r"(?:days?|weeks?)\s+(?:to|before)\s+(?:reply|respond|answer|get\s+back|come\s+back|hear))\b",
    re.IGNORECASE,
)


def speaks_of_our_dealings(text: str) -> bool:
    return bool(_DEALINGS.search(text))
