"""Which list a remark belongs in, read from whom it is about.

A small model files the recruiter's clauses by their tone more than by their subject: "the panel ran
30 mins late" as a red flag, "the CFO grilled her on cash forecasting" as a weak area, "the case study
was far longer than advertised" as a concern. Who does what in the clause settles it:
- the interviewers' questions show what they care about: on the candidate side that is the hiring
  manager's priorities (the topic, without "they asked about"); on the client side, how the interview
  was run;
- on the candidate side, what the process was like, or what the interviewers did on the day (told in
  the past, with no word of the candidate), is the candidate's feedback on the process;
- on the candidate side, a topic the candidate struggled with or lacks ("got tripped up on X", "never
  used their ATS") is a weak area, whether filed as a concern or a red flag; and a weak area that is a
  worry about what the move asks (the commute, travel, hours) is a concern.
On the client side, a "requirement change" that says what the candidate is, has or did ("she's only
used a vendor for it") is the client's concern about the candidate.
What is to happen in the days ahead ("they'll come back to me by thursday") is a next step, wherever
it was filed. A remark about the candidate ("they loved her", "HM said he'd fit in") stays where the
model put it, and so does what the client wants or offers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.conversation.people import is_a_role, is_client_person
from assistant.core import normalise, words

# The fields a judgement of the candidate goes in: what the model confuses with the two below.
_JUDGEMENTS = {"strengths", "concerns", "weak_areas", "red_flags"}
_PRIORITIES, _PROCESS, _CONDUCT = "hiring_manager_priorities", "process_feedback", "interview_conduct"
_NEXT = "next_steps"
_WEAK, _WORRIES = "weak_areas", "concerns"
# Where a small model also files what is to happen next ("they'll confirm the final by wed").
_MISFILED_NEXT = _JUDGEMENTS | {_PROCESS, _CONDUCT, "requirement_changes"}
# When, in the days ahead: "by fri", "monday", "tmrw", "week after next", "w/c 16th".
_SOON = re.compile(
    r"\b(?:today|tonight|tomorrow|tmrw|tmr|eod|eow|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|(?:this|next)\s+week|week\s+after\s+next|w/c|"
    r"end\s+of\s+(?:the\s+)?(?:day|week)|\d{1,2}(?:st|nd|rd|th))\b",
    re.IGNORECASE,
)

# The candidate telling the recruiter, on the candidate side: "she said the case study was far longer".
_REPORTED = re.compile(
    r"^(?:(?:he|she|they|the candidate)\s+)?(?:said|says|thought|thinks|felt|feels|found|reckons|reckoned|"
    r"mentioned|told me|complained)(?:\s+that)?\s+",
    re.IGNORECASE,
)
_NOBODY = {"they", "nobody", "no one", "noone", "no-one", "no body", "the panel", "panel", "interviewers",
           "the interviewers", "the interviewer", "interviewer", "their side", "the client", "client"}
# Openers after which a question verb says what was not asked ("nobody asked about ...").
_NOT_ASKING = _NOBODY - {"they"}
# Where a strength told of a test or of the interviewers ("the SQL test was fine", "they were
# impressed") stays: it is how the candidate did.
_DOUBTS = _JUDGEMENTS - {"strengths"}
_SAYS_WHAT_NEXT = re.compile(r"\b(?:will|won't|wont|shall|gonna|going to)\b|'ll\b|\u2019ll\b", re.IGNORECASE)
_ADVERBS = r"(?:(?:then|also|mostly|mainly|really|just|only|even|all|both)\s+)*"
_QUESTIONING = re.compile(
    rf"^{_ADVERBS}(?:kept\s+(?:coming\s+back\s+to|going\s+back\s+to|asking(?:\s+about)?|pushing\s+on|"
    r"probing)|grilled|quizzed|probed|(?:pressed|pushed)(?:\s+(?:him|her|them|hard))?\s+on|drilled\s+(?:into|down)|"
    r"dug\s+(?:into|deep)|focus{1,2}ed\s+on|zoned\s+in|spent\s+(?:\w+\s+){0,4}?(?:on|going\s+through)|"
    r"wanted\s+to\s+know|went\s+(?:deep|deeper|into|over)|"
    # "asked" opens a question only with its topic: "asked for 70k" or "asked me to" is a request.
    r"asked(?=(?:\s+(?:him|her|them|loads|a\s+lot|lots|plenty|a\s+load|almost|nothing|little|very|few|"
    r"a\s+few|questions|some))*\s+(?:about|on|around|re|into|which|how|what|why)\b))\b"
    r"(?:\s+(?:him|her|them|me|loads|a\s+lot|lots|plenty|a\s+load|heavily|hard|mainly|mostly|in\s+depth))*"
    r"(?:\s+(?:about|on|into|around|re|over|through|in)\b)?\s*",
    re.IGNORECASE,
)
_DID = re.compile(
    r"^(?:(?:never|also|all|just|really|barely|completely|totally|then|even|both|only)\s+)*"
    r"(?:was|wasn'?t|were|weren'?t|did|didn'?t|had|hadn'?t|seemed|kept|made|forgot|ran|turned|left|took|gave|"
    r"showed|got|went|came|couldn'?t|wouldn'?t|spent|sent|said|told|cut|let|put|sat|knew|\w+ed)\b",
    re.IGNORECASE,
)
# What the client wants or offers is the role's, not the process's: "they want someone more senior".
_WANTS = re.compile(
    r"^(?:(?:now|still|really|also|just|would|'d|are|'re|were|seem\s+to|only)\s+)*(?:wants?|want(?:ed|ing)|"
    r"needs?|need(?:ed|ing)|requires?|required|prefers?|preferred|expects?|expected|looking\s+for|like|"
    r"offer(?:s|ed|ing)?|pay(?:s|ing)?|can\s+(?:only\s+)?(?:offer|pay|go))\b",
    re.IGNORECASE,
)
# What the process is made of: "the case study was far longer than advertised", "interview itself fine".
_PROCESS_PART = re.compile(
    r"^(?:the\s+|their\s+|that\s+|this\s+|a\s+|an\s+)?(?:[\w&/-]+\s+){0,2}"
    r"(?:process|interviews?|tests?|assessments?|exercises?|tasks?|case\s+study|presentation|tour|stages?|"
    r"format|scheduling|logistics|paperwork|feedback)"
    r"(?:\s+itself|\s+(?:was|were|is|are|felt|seemed|ran|took|went|dragged|has|had|got|looked)\b|'s\b)",
    re.IGNORECASE,
)
# The candidate struggling with a question or topic, or lacking it: what a weak area is ("got tripped up
# on X", "shakier on Y", "couldn't explain Z", "never used their ATS"), whatever list it was filed in.
_STRUGGLED = re.compile(
    r"\b(?:tripped\s+up|stumbled|struggled|struggling|waffled|waffling|froze|blanked|rambled|fluffed|"
    r"floundered|got\s+stuck|caught\s+out|shak(?:y|ier)\s+on|weak(?:er)?\s+on|rusty\s+on|"
    r"less\s+(?:sure|confident|strong)\s+on|not\s+(?:so\s+|as\s+|very\s+)?(?:strong|sure|confident)\s+on|"
    r"out\s+of\s+(?:his|her|their)\s+depth|could(?:n'?t|\s+not)\s+(?:answer|explain|talk|say|speak)|"
    r"never\s+(?:used|led|built|done|run|managed|worked\s+with|dealt\s+with))\b",
    re.IGNORECASE,
)
# What the move would ask of the candidate: a worry about it is a concern, not a topic they struggled
# with ("the commute from reading is a pain", "wants to know how much travel").
_THE_MOVE = re.compile(
    r"\b(?:commut\w*|travel\w*|relocat\w*|on-?call|shifts?|hours|nights?|weekends?|drive|driving)\b",
    re.IGNORECASE,
)
# On the client side, a clause that says what the candidate is, has or did ("she's only used a vendor
# for it", "he got 2/5 on negotiation") is the client's view of the candidate, not a change to the role.
# Not when the subject goes on to report ("she admitted the brief is out of date": the client speaking)
# or to say what the job will ask ("she'd need to be on site 5 days"); "they" is the client.
_THE_CANDIDATE_IS = re.compile(
    r"^(?:(?:and|but|so|also|tbh|plus)\s+)*(?:she|he|the\s+candidate|(?P<name>[a-z][a-z'-]+))"
    r"(?:'s|\u2019s|\s+(?:is|was|has|hasn'?t|had|hadn'?t|only|never|just|got|scored|lacks|struggled|"
    r"doesn'?t|didn'?t|can'?t|couldn'?t|isn'?t|wasn'?t|used|knows|knew))\b(?!\s+(?:to|got\s+to|been\s+asked))",
    re.IGNORECASE,
)
_REQUIREMENTS = "requirement_changes"
# The candidate's own employer is not an interviewer: "his boss is talking about a counter-offer".
_THE_CANDIDATES_OWN = {"boss", "current", "old", "previous", "former", "existing", "his", "her"}
_NEGATION = {"nothing", "barely", "hardly", "never", "didnt", "didn", "not", "no", "little"}
_CANDIDATE_WORDS = {"he", "she", "him", "her", "his", "hers", "himself", "herself", "candidate"}


@dataclass(frozen=True)
class Placed:
    field: str
    text: str


def placed(field: str, item: str, side: str, people: set[str], candidate: str | None, lead: str = "") -> Placed:
    """Where a proposed list item belongs, and how it reads there. `people`: the names the messages give
    to the client's interviewers; `candidate`: the candidate's name as recorded; `lead`: the words of
    the item's clause before it, when the model quoted only the topic of "the HM kept asking about ..."."""
    if field in _MISFILED_NEXT and _SAYS_WHAT_NEXT.search(item) and _SOON.search(item):
        return Placed(_NEXT, item)
    if side == "client" and field == _REQUIREMENTS and _of_the_candidate(item, candidate):
        return Placed(_WORRIES, item)
    asking = field in _JUDGEMENTS or (side == "candidate" and field == _PROCESS)
    if not asking:
        return Placed(field, item)
    if side == "candidate" and field != _PROCESS and _asks(lead, people):
        return Placed(_PRIORITIES, item)
    text = _REPORTED.sub("", item.strip()) if side == "candidate" else item.strip()
    subject, rest = _subject(text, people)
    if asked := _QUESTIONING.match(rest):
        if side == "client":
            return Placed(_CONDUCT, item)
        if (subject or "").lower() in _NOT_ASKING or _NEGATION & set(words(rest[:asked.end() + 12])):
            return Placed(_PROCESS, text)  # "asked almost nothing about his site work", "nobody asked about..."
        topic = rest[asked.end():].strip(" ,.;:-")
        return Placed(_PRIORITIES, topic if len(topic) >= 4 else item)
    if side != "candidate" or field not in _DOUBTS or _SAYS_WHAT_NEXT.search(text):
        return Placed(field, item)
    if _PROCESS_PART.match(text):
        return Placed(_PROCESS, text)
    # What the interviewers did on the day is told in the past ("were late", "nobody explained"); what
    # they are ("they're restructuring") is a fact about the move.
    if subject and _DID.match(rest) and not _about_the_candidate(rest, candidate) and not _WANTS.match(rest):
        return Placed(_PROCESS, text)
    if _STRUGGLED.search(text):
        return Placed(_WEAK, item)
    if field == _WEAK and _THE_MOVE.search(text):
        return Placed(_WORRIES, item)
    return Placed(field, item)


def _asks(lead: str, people: set[str]) -> bool:
    """Whether the words before an item are an interviewer asking about it, and nothing else."""
    subject, rest = _subject(_REPORTED.sub("", lead.strip()), people)
    asked = _QUESTIONING.match(rest)
    return bool(subject and asked and subject.lower() not in _NOT_ASKING
                and asked.end() >= len(rest.rstrip()) and not _NEGATION & set(words(rest)))


def _subject(text: str, people: set[str]) -> tuple[str | None, str]:
    """The interviewer a clause opens with, if it opens with one, and the rest of the clause."""
    tokens = text.split()
    for size in (4, 3, 2, 1):
        if len(tokens) <= size:
            continue
        head = " ".join(tokens[:size])
        bare = head.lower().strip(" ,:;")
        if _THE_CANDIDATES_OWN & set(words(bare)):
            continue
        if (bare in _NOBODY or is_a_role(bare) or (bare.endswith("s") and is_a_role(bare[:-1]))
                or (size <= 2 and is_client_person(bare, people))):
            return head, " ".join(tokens[size:])
    return None, text


def _names(candidate: str | None) -> set[str]:
    """The words of the candidate's recorded name."""
    return set(words(normalise(candidate))) if candidate else set()


def _about_the_candidate(text: str, candidate: str | None) -> bool:
    said = set(words(text))
    return bool(said & _CANDIDATE_WORDS or said & _names(candidate))


def _of_the_candidate(item: str, candidate: str | None) -> bool:
    """Whether an item opens by saying what the candidate is, has or did."""
    said = _THE_CANDIDATE_IS.match(item.strip(" '\"\u2018\u2019"))
    if said is None:
        return False
    name = said.group("name")
    return name is None or name.lower() in _names(candidate)
