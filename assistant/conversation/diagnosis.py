"""Why an interview failed, when the recruiter says it was their own doing.

Of the four causes of a failed interview, two are the agency's: a brief taken without the facts that
mattered, or a candidate put forward who did not fit a brief that was right. Recruiters say so in
their own words ("that one's on me", "my bad", "should have pushed her on the numbers") and then say
what they missed. A small model reading the whole conversation still blames the candidate's
interview, since most of the words are about it. The recruiter owning the failure settles that it was
ours; whether the brief is named as lacking decides which of the two:
- "took the brief from HR and never spoke to the MD", "the on-site days were never in the spec":
  the brief was not qualified;
- otherwise ("I read his team lead role as line management", "should have screened her on X",
  including "that WAS in the brief"): we misjudged the fit.
Without the recruiter owning it, nothing here applies and the pass's own reading stands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.conversation.untrusted import overlaps, untrusted_spans
from assistant.core import Located, ProposedUpdate, words

MISJUDGED_FIT = "recruiter_misjudged_fit"
BRIEF_NOT_QUALIFIED = "brief_not_qualified"
CHANGED_REQUIREMENTS = "client_changed_requirements"

# What the client wants, or that it moved: the least a quote for "the client changed the requirements"
# has to speak of ("since the restructure they need...", "they've pivoted", "moved the goalposts").
# Silence ("they've gone quiet on the other roles") says nothing about what they want.
_WANTS_OR_CHANGE = re.compile(
    r"\b(?:chang\w*|pivot\w*|restructur\w*|reorg\w*|merg\w*|shift\w*|moved|goal\s*posts?|now|since|no\s+longer|"
    r"any\s*more|instead|different|new|added|scope|rethink|rethought|after\s+all|decided|want\w*|need\w*|"
    r"looking\s+for|requir\w*|brief|spec|jd|role)\b",
    re.IGNORECASE,
)

# A sentence ends at a full stop, question or exclamation mark before a space, or at a line break.
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+(?=\s|$))?")
_OWNING = re.compile(
    # "it's on us", "that one's on me", "that ones on me", "this was all on me"; not "it's on me to
    # call her", a task.
    r"\b(?:it|that|this)(?:\s+one)?(?:'s|\u2019s|s|\s+is|\s+was)\s+(?:all\s+|totally\s+|partly\s+|entirely\s+"
    r"|really\s+)?on\s+(?:me|us)\b(?!\s+to\b)"
    r"|\b(?:my|our)\s+(?:bad|fault|mistake|error|miss)\b"
    # "should have screened her harder", "we shouldn't have sent him": said by the recruiter, not of
    # someone else ("she should have prepared").
    r"|(?:^|\b(?:i|we)\s+)(?:really\s+|probably\s+|definitely\s+)?should(?:n'?t|n\u2019t)?(?:'ve|\u2019ve|ve|\s+have)\b"
    r"|\b(?:i|we)\s+(?:misjudged|misread|dropped\s+the\s+ball|got\s+(?:it|that|this|him|her)\s+wrong)\b",
    re.IGNORECASE,
)
_BRIEF = re.compile(r"\b(?:brief|jd|job\s+description|job\s+spec|person\s+spec|spec)\b", re.IGNORECASE)
# A bare "no" is more often the client's answer ("they said no") than a gap in the brief.
_LACKING = re.compile(
    r"\b(?:never|not|no\s+mention|without|nobody|nothing)\b"
    r"|\b(?:did|does|do|was|were|is|are|had|has|have|could|would|ca|wo)n(?:'|\u2019)?t\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Diagnosis:
    cause: str
    # The recruiter's sentence that shows it, as typed.
    quote: str

    def update(self) -> ProposedUpdate:
        """The cause as a proposal for the evidence gate, like the model's."""
        return ProposedUpdate(field="failure_cause", value=self.cause, quote=self.quote)


def _sentences(messages: list[str]) -> list[Located]:
    """The recruiter's own sentences: none from a passage pasted with instructions in it."""
    found: list[Located] = []
    for index, text in enumerate(messages):
        pasted = untrusted_spans(text)
        for match in _SENTENCE.finditer(text):
            stripped = match.group().strip()
            if stripped and not overlaps(match.span(), pasted):
                start = match.start() + match.group().index(stripped)
                found.append(Located(index, start, start + len(stripped), stripped))
    return found


def _what_was_owned(owning: Located, sentences: list[Located], messages: list[str]) -> str:
    """The owning sentence, and the next one in its message (or else the one before) when it says
    nothing but that it was ours ("and that one's on me. I read ...", "... my bad"): the quote must show
    what was missed."""
    if len(words(_OWNING.sub(" ", owning.text))) >= 3:
        return owning.text
    same = [s for s in sentences if s.message_index == owning.message_index]
    after = [s for s in same if s.start >= owning.end]
    before = [s for s in same if s.end <= owning.start]
    text = messages[owning.message_index]
    if after:
        return text[owning.start:after[0].end]
    if before:
        return text[before[-1].start:owning.end]
    return owning.text


def supports_the_cause(cause: str, quote: str) -> bool:
    """Whether a quote can carry the cause given: a change of requirements needs words about what the
    client wants or that it changed. The other causes are read by the model or from the recruiter
    owning the failure (above)."""
    return cause != CHANGED_REQUIREMENTS or bool(_WANTS_OR_CHANGE.search(quote))


def owns_the_failure(text: str) -> bool:
    """Whether the recruiter says in these words that the failure was theirs."""
    return bool(_OWNING.search(text))


def recruiters_own_failure(messages: list[str]) -> Diagnosis | None:
    """The cause the recruiter gives by owning the failure, with the words that show it (as typed, so
    the evidence gate finds them); None when they do not own it."""
    sentences = _sentences(messages)
    owning = [s for s in sentences if owns_the_failure(s.text)]
    if not owning:
        return None
    for sentence in owning:
        if _BRIEF.search(sentence.text):
            return Diagnosis(BRIEF_NOT_QUALIFIED, sentence.text)
    for sentence in sentences:
        if _BRIEF.search(sentence.text) and _LACKING.search(sentence.text):
            return Diagnosis(BRIEF_NOT_QUALIFIED, sentence.text)
    return Diagnosis(MISJUDGED_FIT, _what_was_owned(owning[0], sentences, messages))
