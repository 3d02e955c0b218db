"""The compliance lint every draft is checked with: feedback emails, coaching notes, job specs, follow-ups.

`lint(text)` returns the spans that touch a protected characteristic (UK Equality Act 2010) or a proxy
for one, as blocking findings; with `job_spec=True` it also returns gender-coded words from Gaucher,
Friesen & Kay (2011) as advisory ones. It is deterministic (regular expressions over one lexicon,
assistant/lexicon.py) so a draft is judged the same way every time; assistant/compliance.py uses the
same lexicon for the record's compliance flags.

Choices, made for precision (a lint that cries wolf on ordinary prose gets switched off):

- Phrases over bare words where a word has innocent senses: "young team", "young and energetic", "too
  young", never "young" alone ("children and young people" is a youth worker's job); "her kids", "want
  kids", never "children" alone ("working with children"); "mental health issues", never "Mental Health
  Nurse"; "goes to church", never "Church Street"; "a devout Christian", never "Christian Holt".
  "Sikh", "Christian" and "Catholic" need a religious context ("a practising Sikh", "Sikh festival")
  because they also occur in names of people, schools and community centres; "Muslim", "Jewish",
  "Hindu" and "Buddhist" do not. Words matching a longer word ("manage", "engagement", "stage",
  "page", "language", "percentage", "image") never hit "age": every pattern has word boundaries.
- Context exceptions are general, not per sentence: "maternity cover" (a contract type) and "enhanced
  maternity pay" (a benefit) are not flagged, "her maternity leave" is; "retiring the legacy system"
  (a verb with an object) is not, "before he retires" is; "the race to hire" is not; "transitioning
  into management" is not, "is transitioning" is.
- Equal-opportunity statements ("regardless of age, disability, race...", "Disability Confident
  employer", "reasonable adjustments") name the categories on purpose: inside a sentence that reads as
  one, words that only name a category are not flagged. Proxies still are ("we welcome young, energetic
  graduates" keeps its age finding).
- "Culture fit" alone is not flagged: vague, but not a characteristic. "Cultural background" and
  "her heritage" are (race or ethnicity). Benefits such as "childcare vouchers" are not flagged.
- Remarks about third parties ("the older patients") are not flagged: the age or accent of the
  people served is not the candidate's.
- Gender-coded words are judged in job specs only: "competitive" in a feedback email describes the
  candidate, in an advert it shapes who applies. The stems follow the appendix of the paper as
  published; a few senses the lists do not mean are skipped ("depending on experience", "Active
  Directory", "what kind of", "an understanding of", "lead generation", "competent").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.compliance.lexicon import (
    FEMININE_CODED,
    GAUCHER_2011,
    MASCULINE_CODED,
    NOT_CODED,
    POLICY_STATEMENT,
    PROTECTED,
    RULES,
    Pattern,
)

Severity = Literal["blocking", "advisory"]


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id: "protected.age", "gender_coded.masculine", ...
    category: str  # the recruiter's word for it: "age", "gender-coded wording"
    severity: Severity
    start: int
    end: int
    text: str
    explanation: str
    source: str | None = None


def lint(text: str, *, job_spec: bool = False) -> list[Finding]:
    """Every offending span in `text`, sorted by start; gender-coded words only when `job_spec`."""
    findings = _protected(text)
    if job_spec:
        findings += _gender_coded(text)
    return sorted(findings, key=lambda f: (f.start, f.end, f.rule))


def _protected(text: str) -> list[Finding]:
    policy_spans = [m.span() for m in _SENTENCE.finditer(text) if POLICY_STATEMENT.search(m.group())]
    found: list[Finding] = []
    for pattern in PROTECTED:
        for match in pattern.regex.finditer(text):
            start, end = match.span()
            if start == end or _excepted(pattern, text, start, end):
                continue
            if pattern.names_category and any(a <= start < b for a, b in policy_spans):
                continue
            for rule_id in pattern.rules:
                rule = RULES[rule_id]
                found.append(Finding(rule_id, rule.category, "blocking", start, end, text[start:end],
                                     pattern.explanation or rule.explanation, rule.source))
    return _without_overlaps(found)


def _excepted(pattern: Pattern, text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40):start]
    after = text[end:end + 40]
    return bool((pattern.unless_before and pattern.unless_before.search(before))
                or (pattern.unless_after and pattern.unless_after.match(after)))


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """Two patterns of one rule on the same words are one finding: the earliest, then the longest."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.rule, f.start, -(f.end - f.start))):
        last = kept[-1] if kept else None
        if last and last.rule == finding.rule and finding.start < last.end:
            continue
        kept.append(finding)
    return kept


def _gender_coded(text: str) -> list[Finding]:
    skipped = [m.span() for m in NOT_CODED.finditer(text)]
    found = []
    for rule_id, regex in (("gender_coded.masculine", MASCULINE_CODED), ("gender_coded.feminine", FEMININE_CODED)):
        rule = RULES[rule_id]
        for match in regex.finditer(text):
            start, end = match.span()
            if any(a <= start < b for a, b in skipped):
                continue
            found.append(Finding(rule_id, rule.category, "advisory", start, end, match.group(),
                                 rule.explanation, GAUCHER_2011))
    return found


# A sentence for the equal-opportunity check: up to a full stop, question mark, exclamation or new line.
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
