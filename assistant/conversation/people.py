"""Who else the recruiter names: the people on the client's side, who are never the candidate.

Recruiters name the hiring manager or an interviewer beside their role, in brackets: "HM (nadia)",
"their head of compliance (kate)", "dave (HM)". A small model reading "feedback from the HM (nadia) on
tom" often takes the first name it meets for the candidate; a name given as someone's role is not.
"""

from __future__ import annotations

import re

from assistant.core import normalise

# Roles of the people who interview or decide for the client. "Manager" or "head" alone would take in
# the candidate's own job title ("ops manager (tom)"), so only the roles that name the interviewer.
_ROLE = (
    r"(?:hm|hiring\s+manager|line\s+manager|interviewer|panel|md|ceo|cto|cfo|coo|founder|head\s+of\s+[a-z&]+"
    r"(?:\s+[a-z&]+)?|director|partner|boss|client|talent\s+partner|hr)"
)
_NAME = r"([a-z][a-z'\-]+(?:\s+[a-z][a-z'\-]+)?)"
_ROLE_THEN_NAME = re.compile(rf"\b{_ROLE}\s*\(\s*{_NAME}\s*\)", re.IGNORECASE)
_NAME_THEN_ROLE = re.compile(rf"\b{_NAME}\s*\(\s*(?:the\s+|their\s+|our\s+)?{_ROLE}\s*\)", re.IGNORECASE)


_ONLY_A_ROLE = re.compile(rf"(?:the\s+|their\s+)?{_ROLE}", re.IGNORECASE)
# A role with the team or trade in front: "ops director", "the site manager", "their finance partner".
# Words that are also family names ("Head", "Lead") are left out.
_QUALIFIED_ROLE = re.compile(
    r"(?:the\s+|their\s+|our\s+)?(?:[a-z&/]+\s+){1,2}"
    r"(?:director|dir|manager|mgr|partner|founder|interviewer|officer|supervisor|recruiter)s?",
    re.IGNORECASE,
)


def is_a_role(text: str) -> bool:
    """'HM', 'the hiring manager', 'ops director': a role someone holds, not a person's name."""
    text = text.strip(" .,;:")
    return bool(_ONLY_A_ROLE.fullmatch(text) or _QUALIFIED_ROLE.fullmatch(text))


def client_people(messages: list[str]) -> set[str]:
    """The names, normalised, that the messages give as a hiring manager's or an interviewer's."""
    found: set[str] = set()
    for text in messages:
        for pattern in (_ROLE_THEN_NAME, _NAME_THEN_ROLE):
            found |= {normalise(match.group(1)) for match in pattern.finditer(text)}
    return found


def is_client_person(name: str, people: set[str]) -> bool:
    """`people` may hold a word before the name ("from dave" for "feedback from dave (HM)"): a name
    matches the end of one."""
    wanted = normalise(name)
    return bool(wanted) and any(found == wanted or found.endswith(" " + wanted) for found in people)
