"""Remarks that touch a protected characteristic, caught in code as well as by the model.

A hiring manager's "the older patients might struggle with her accent" must end up as a compliance
flag, never as an ordinary concern that a feedback draft could repeat. A small model files such a
remark under `concerns` as often as not, so every captured item is also checked against the
protected characteristics themselves (UK Equality Act categories, as the record contract lists them).
"""

from __future__ import annotations

import re

_CHARACTERISTICS: dict[str, str] = {
    "age": r"\b(?:age|aged|ageing|too old|too young|(?:older|younger) (?:candidates?|people|person|workers?|staff|"
           r"team|guy|woman|man|applicants?)|elderly|retire(?:ment|d)?|"
           r"generation(?:al)?|millennials?|boomers?|gen ?z|\d{2}s? years? old|over (?:40|50|60)|"
           r"(?:fifty|sixty)-something|near(?:ing)? retirement)\b",
    "pregnancy/family plans": r"\b(?:pregnan\w*|maternity|paternity|kids|children|childcare|baby|babies|"
                              r"family plans|start(?:ing)? a family|young family|school run|nursery)\b",
    "race": r"\b(?:race|racial|ethnic\w*|skin colou?r)\b",
    "religion": r"\b(?:religio\w*|church|mosque|synagogue|temple|prayers?|praying|hijab|headscarf|turban|"
                r"muslim|christian|jewish|hindu|sikh|buddhist|ramadan|sabbath|kosher|halal)\b",
    "disability": r"\b(?:disab\w*|wheelchair|autis\w*|adhd|dyslexi\w*|deaf|mental health|"
                  r"medical condition|chronic (?:illness|condition|pain)|sick leave|neurodiverg\w*)\b",
    "nationality/accent": r"\b(?:accent|nationality|foreigners?|immigrants?|native speaker|"
                          r"english (?:is not|isn't) (?:her|his|their) first language|where (?:she|he|they)'?s from)\b",
    "sex": r"\b(?:gender|female|male|woman|women|girls?|lady|ladies|feminine|masculine|blokes?)\b",
    "sexual orientation": r"\b(?:gay|lesbian|bisexual|sexuality|sexual orientation|transgender|trans)\b",
    "marital status": r"\b(?:married|marriage|divorced?|wife|husband|spouse|single (?:mum|mom|dad|parent)|"
                      r"wedding)\b",
}
_PATTERNS = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _CHARACTERISTICS.items()}

# Fields holding judgements of the candidate: a protected remark there is moved out, not copied,
# so nothing downstream can quote it as a reason.
JUDGEMENT_FIELDS = frozenset({"concerns", "red_flags", "weak_areas", "interview_conduct"})


def characteristics_in(text: str) -> list[str]:
    return [name for name, pattern in _PATTERNS.items() if pattern.search(text)]


def flag_for(text: str) -> str | None:
    """'age + nationality/accent: <the remark>' or None when nothing protected is touched."""
    found = characteristics_in(text)
    return f"{' + '.join(found)}: {text}" if found else None
