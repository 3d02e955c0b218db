"""Job titles as a record holds them: the title alone, its abbreviations written out, in title case.

Recruiters type titles the way they say them ("snr backend eng", "clearmint ops mgr"); the record, the
drafts and the ATS hand-off need "Senior Backend Engineer". Only abbreviations that mean one thing in
a job title are written out; an ambiguous one ("PM": product or project?) is kept as typed.
"""

from __future__ import annotations

import re

# Common in job titles across sectors, each with a single reading there.
_ABBREVIATIONS = {
    "mgr": "Manager", "mngr": "Manager", "mgmt": "Management",
    "snr": "Senior", "sr": "Senior", "jnr": "Junior", "jr": "Junior",
    "eng": "Engineer", "engr": "Engineer", "dev": "Developer", "devs": "Developers",
    "asst": "Assistant", "assoc": "Associate", "exec": "Executive", "dir": "Director",
    "admin": "Administrator", "coord": "Coordinator", "rep": "Representative", "spec": "Specialist",
    "ops": "Operations", "acct": "Accountant", "mktg": "Marketing", "svc": "Service",
    "swe": "Software Engineer", "sde": "Software Development Engineer", "ae": "Account Executive",
    "bdm": "Business Development Manager", "sdr": "Sales Development Representative",
    "qs": "Quantity Surveyor", "h&s": "Health and Safety", "hse": "Health, Safety and Environment",
}
# Kept lower case inside a title, as in "Head of Health and Safety".
_SMALL = {"of", "and", "for", "the", "in", "to", "a", "an", "on", "at", "with"}
_TOKEN = re.compile(r"[\w&'/+.-]+")


def _word(token: str, first: bool) -> str:
    lowered = token.lower().rstrip(".")
    if lowered in _ABBREVIATIONS:
        return _ABBREVIATIONS[lowered]
    if token.isupper() and len(token) > 1 or any(c.isupper() for c in token[1:]):
        return token  # an acronym or a name with its own capitals: "HR", "QA", "DevOps"
    if lowered in _SMALL and not first:
        return lowered
    return token[:1].upper() + token[1:]


def job_title(text: str, company: str | None = None) -> str:
    """'clearmint snr backend eng' (company 'Clearmint') -> 'Senior Backend Engineer'. The company's
    name is taken off either end, with an 'at' or '@' joining it; a title that is only the company's
    name is kept as typed."""
    title = " ".join(text.split()).strip(" ,.;:-")
    if company:
        name = re.escape(" ".join(company.split()))
        trimmed = re.sub(rf"^{name}\b\s*|\s*(?:\b(?:at|with|for)\s+|@\s*)?\b{name}$", "", title,
                         flags=re.IGNORECASE).strip(" ,.;:-@")
        title = trimmed or title
    tokens = _TOKEN.findall(title)
    return " ".join(_word(token, i == 0) for i, token in enumerate(tokens)) or title
