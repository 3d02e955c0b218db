"""Whether words speak of how the client deals with us, which is what a relationship risk rests on.

A relationship risk is a client who is slow to answer, has gone quiet, is unhappy with us or is
losing confidence in us. A small model sets it from any sentence of a tense debrief ("she rated his
schematics highly", "on hold"), which sends the recruiter to damage control that nothing calls for.
A "yes" must be quoted from words about answering, silence, displeasure or trust; whom they are about
is left to the model.

Three things said in a client debrief are not the client's view of the candidate: what we told the
client ("i pointed out that's a reasonable adjustments question"), our own reading of the candidate
("read her 'led a team of 7' as line management"), and how the client treats us ("nothing back",
"they've asked another agency").
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


# The recruiter telling the client something ("i pointed out that's not a reason", "told him she's
# done that commute before", "told tasha no it's not normal"): our words, not the client's view.
_WE_TOLD_THEM = re.compile(
    r"^(?:(?:and|but|so|then|also|obvs|obviously)\s+)*(?:i\s+(?:also\s+|then\s+|just\s+)?"
    r"(?:said|told|pointed\s+out|explained|reminded|mentioned\s+to|reassured|assured|asked\s+(?:him|her|them)|"
    r"pushed\s+back|challenged|corrected)|(?:told|reminded|reassured|assured)\s+(?:him|her|them|(?!me\b|us\b)[a-z]+\b(?=\s+(?:no|that|it|she|he|they)\b)))\b",
    re.IGNORECASE,
)
# How the client deals with us, when only we can be meant: "nothing back", "frozen out", "asked another
# agency for CVs", "the 2nd mismatch we've sent". Slower replies or going quiet could be the candidate's,
# and "us" in the client's own words is the client ("wouldn't fit in with us").
_TOWARDS_US = re.compile(
    r"\b(?:nothing\s+back|heard\s+nothing|frozen\s+out|cold\s+shoulder|another\s+agency|other\s+agenc(?:y|ies)|"
    r"second\s+agency|we(?:'ve|\u2019ve|\s+have)?\s+sent|our\s+(?:shortlists?|"
    r"candidates|cvs|agency|service))",
    re.IGNORECASE,
)


# The recruiter's own reading of the candidate's record ("read her 'led a team of 7' as line management",
# "took his contract roles as permanent"): what we thought, not what the client thinks.
_OUR_READING = re.compile(
    r"^(?:(?:and|but|so|then|tbh|honestly)\s+)*(?:i\s+)?(?:read|misread|took|mistook|assumed|saw)\s+"
    r"(?:her|his|their|the\s+candidate'?s|[a-z]+'s)\b.{0,100}?\bas\b",
    re.IGNORECASE,
)


def _opening(clause: str) -> str:
    """The clause from its first word: both checks below read how it opens."""
    return clause.strip(" \t\n-,;:.'\"")


def we_told_them(clause: str) -> bool:
    """Whether a clause is the recruiter's own words to the client."""
    return bool(_WE_TOLD_THEM.match(_opening(clause)))


def our_reading(clause: str) -> bool:
    """Whether a clause is the recruiter's own reading of the candidate's record."""
    return bool(_OUR_READING.match(_opening(clause)))


def towards_us(clause: str) -> bool:
    """Whether a clause speaks of the client's dealings with us rather than of the candidate."""
    return bool(_TOWARDS_US.search(clause))
