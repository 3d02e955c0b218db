"""Notice periods: how long before a candidate can leave, as the record holds it and as days.

Recruiters write a notice a dozen ways ("notice 8 wks", "3m", "on a month", "one month's"); a record
that says "8 weeks" for all of them can be compared with a start date, filtered and handed to an ATS.
A notice tied to a time of year ("end of term", "can leave at easter") has no length and is kept as
typed. Words that name no notice at all ("hard to say", a clause about the interview) are not one.
"""

from __future__ import annotations

import calendar
import re

_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3,
}
# "A couple" and "a few" are not figures: a notice given that way is kept in the recruiter's words.
_VAGUE = {"couple", "few"}
_UNITS = {"day": "day", "week": "week", "wk": "week", "w": "week", "month": "month", "mo": "month", "mth": "month",
          "m": "month"}
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
_AMOUNT = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBERS) + r")"
_UNIT = r"(days?|weeks?|wks?|w|months?|mos?|mths?|m)\b"
# Groups: the amount, the far end of a range ("2-3 months"), the unit.
DURATION = re.compile(r"\b" + _AMOUNT + r"(?:\s*(?:-|–|to|or)\s*" + _AMOUNT + r")?\s*(?:of\s+)?" + _UNIT, re.IGNORECASE)
_IMMEDIATE = re.compile(
    r"\b(?:immediate\w*|no notice|none|nil|available now|can start (?:now|straight away|right away|tomorrow))\b",
    re.IGNORECASE,
)
# Month names and their abbreviations, lower case, with the month's number.
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name} | {
    name.lower(): n for n, name in enumerate(calendar.month_abbr) if name
} | {"sept": 9}
# A month counts with a preposition or a day ("by March", "1 May"): "may" and "march" alone are verbs.
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME_OF_YEAR = re.compile(
    r"\b(?:easter|summer|christmas|xmas|new year|half[- ]?term|end of (?:the )?(?:term|month|year|quarter|"
    r"school year|academic year|contract)|(?:a|one|1)\s+term|garden leave|"
    rf"(?:by|in|from|until|till|after|before|end of|start of|mid|early|late)\s+(?:{_MONTH})|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH}))\b",
    re.IGNORECASE,
)


def days_of(amount: str, unit: str) -> int:
    """'3', 'months' -> 90; 'six', 'wks' -> 42. A month counts as 30 days."""
    return round(float(_figure(amount)) * _UNIT_DAYS[_unit(unit)])


def _unit(text: str) -> str:
    text = text.lower()
    return _UNITS.get(text) or _UNITS[text.rstrip("s")]


def notice_days(notice: str) -> int | None:
    """'3 months' -> 90, '4 wks' -> 28, 'immediate' -> 0, '2-3 months' -> 60 (a range counts at its shorter
    end, so a mismatch is reported only when even the best case is too late). None when unreadable."""
    if _IMMEDIATE.search(notice):
        return 0
    match = DURATION.search(notice)
    return None if match is None else days_of(match.group(1), match.group(3))


def _figure(amount: str) -> str:
    return amount if amount[0].isdigit() else str(_NUMBERS[amount.lower()])


def common_notice(text: str) -> str | None:
    """'notice 8 wks' -> '8 weeks', "one month's" -> '1 month', '2-3m' -> '2 to 3 months', 'immediately'
    -> 'immediate'; None when the words give no single length (none, several, or 'a few weeks')."""
    lengths = list(DURATION.finditer(text))
    if len(lengths) > 1:
        return None  # "1 month, could negotiate 2 weeks": which one is the notice is the recruiter's to say
    if not lengths:
        return "immediate" if _IMMEDIATE.search(text) else None
    amount, far, unit = lengths[0].groups()
    if amount.lower() in _VAGUE or (far and far.lower() in _VAGUE):
        return None
    name = _unit(unit)
    if far:
        return f"{_figure(amount)} to {_figure(far)} {name}s"
    figure = _figure(amount)
    return f"{figure} {name}" if figure == "1" else f"{figure} {name}s"


def names_a_notice(text: str) -> bool:
    """Whether the words give a notice at all: a length, an immediate start, or a time of year or date."""
    return bool(DURATION.search(text) or _IMMEDIATE.search(text) or _TIME_OF_YEAR.search(text))
