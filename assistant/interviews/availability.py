"""When the client wants someone to start, as days (a candidate's notice is read in assistant/core/notice.py).

Recruiters write both loosely ("4 wks", "3m", "asap", "needs someone in by March"); reading them here, with
fixed rules, keeps the comparison the same every time. A month counts as 30 days.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from assistant.core import DURATION, MONTHS, days_of


@dataclass(frozen=True)
class StartWindow:
    days: int
    description: str


# A next step is read as a start window only when it talks about starting (or urgency).
_START_CUE = re.compile(
    r"\b(start\w*|in post|in seat|on ?board\w*|join\w*|asap|a\.s\.a\.p|urgent\w*|immediate\w*|right away|"
    r"straight away|yesterday|backfill\w*)\b",
    re.IGNORECASE,
)
_IMMEDIATE = re.compile(r"\b(immediate\w*|right away|straight away|yesterday)\b", re.IGNORECASE)
_URGENT = re.compile(r"\b(asap|a\.s\.a\.p|urgent\w*)\b", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?:within|in|inside|under|by|before)\s+(?:the\s+next\s+)?" + DURATION.pattern,
                       re.IGNORECASE)
_NEXT = re.compile(r"\bnext\s+(week|month)\b", re.IGNORECASE)
# A month counts only with a preposition or a day ("by March", "1 March"): "may" alone is a verb.
_MONTH = re.compile(
    r"\b(?:(by|in|for|from|before|early|mid|end\s+of|start\s+of|beginning\s+of)\s+)?"
    r"(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?)?("
    + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _month_target(match: re.Match[str], held_on: date) -> date | None:
    preposition, day_text, name = match.group(1), match.group(2), match.group(3)
    if preposition is None and day_text is None:
        return None
    month = MONTHS[name.lower()]
    year = held_on.year + (1 if month < held_on.month else 0)
    last = calendar.monthrange(year, month)[1]
    word = (preposition or "").lower().split()[0] if preposition else ""
    if day_text:
        day = int(day_text)
    elif word in ("for", "from", "start", "beginning", "early", "before"):
        day = 1
    elif word == "mid":
        day = 15
    else:
        day = last  # "by March", "in March", "end of March": read to the month's end, so only a clear clash counts
    if not 1 <= day <= last:
        return None
    return date(year, month, day)


def start_window(text: str, held_on: date | None = None) -> StartWindow | None:
    """The days, from the interview, within which a next step wants the new hire to start; None when
    the text sets no start. A named month needs `held_on`, the interview's date, to count from."""
    if not _START_CUE.search(text):
        return None
    relative = _RELATIVE.search(text)
    if relative:
        # A range ("in 2-3 weeks") is read at its far end: only a clear clash is reported.
        days = days_of(relative.group(2) or relative.group(1), relative.group(3))
        return StartWindow(days, f"a start within {days} days")
    following = _NEXT.search(text)
    if following:
        # "Next month" can mean its last day: read generously, so only a clear clash is reported.
        days = 14 if following.group(1).lower() == "week" else 60
        return StartWindow(days, f"a start next {following.group(1).lower()} (about {days} days)")
    if held_on is not None:
        for named in _MONTH.finditer(text):
            target = _month_target(named, held_on)
            if target is not None and target >= held_on:
                days = (target - held_on).days
                return StartWindow(days, f"a start by {target.isoformat()} ({days} days after the interview)")
    if _IMMEDIATE.search(text):
        return StartWindow(14, "an immediate start (about 14 days)")
    if _URGENT.search(text):
        return StartWindow(30, "an urgent start (about 30 days)")
    return None
