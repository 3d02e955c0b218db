"""Turn the model's string values into typed record values, the way recruiters write them.

The model is asked to copy figures as written ("120k", "one-twenty", "£95,000"); normalising them
here, deterministically, is more reliable than asking a small model to do arithmetic.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.core.schema import FieldSpec, Kind
from assistant.core.stages import common_stage


class InvalidValue(ValueError):
    """The model's value cannot be read as the field's type or is out of range."""


_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000, "million": 1_000_000, "m": 1_000_000,
           "mil": 1_000_000}
_CURRENCY_SIGNS = {"£": "GBP", "$": "USD", "€": "EUR", "¥": "JPY", "₹": "INR"}
_CURRENCY_WORDS = {
    "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "quid": "GBP", "sterling": "GBP",
    "usd": "USD", "dollar": "USD", "dollars": "USD", "bucks": "USD",
    "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "chf": "CHF", "aud": "AUD", "cad": "CAD", "inr": "INR", "lakh": "INR", "sgd": "SGD", "jpy": "JPY",
    "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "nzd": "NZD", "zar": "ZAR", "aed": "AED",
}


def _words_to_number(text: str) -> float | None:
    """'one-twenty' -> 120, 'ninety five' -> 95, 'a hundred and ten' -> 110. None if not a number."""
    tokens = [t for t in re.split(r"[\s\-]+", text.lower().replace(" and ", " ")) if t and t != "a"]
    if not tokens or not all(t in _UNITS or t in _TENS or t in _SCALES for t in tokens):
        return None
    # Speech shorthand: "one-twenty" means 120 and "one-fifty-five" 155 (hundreds then tens).
    if len(tokens) >= 2 and tokens[0] in _UNITS and 1 <= _UNITS[tokens[0]] <= 9 and tokens[1] in _TENS:
        rest = _words_to_number(" ".join(tokens[1:]))
        if rest is not None and rest < 100:
            return _UNITS[tokens[0]] * 100 + rest
    total, current = 0.0, 0.0
    for token in tokens:
        if token in _UNITS:
            current += _UNITS[token]
        elif token in _TENS:
            current += _TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _SCALES[token]
            current = 0
    return total + current


_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)\s*(k|grand|thousand|m|mil|million)?\b", re.IGNORECASE)
# A minus sign that starts a figure (at the start, or after a currency sign or a colon), not the dash
# of a range between two figures ("95-100k").
_NEGATIVE = re.compile(r"(?:^|[^\w\s.,])\s*[-\u2212]\s*[£$€¥₹]?\s*\d|\b(?:minus|negative)\b", re.IGNORECASE)
_EXPONENT = re.compile(r"\d\s*e\s*[-+]?\d", re.IGNORECASE)
# Above any annual pay in any currency the record holds (a hundred million yen is about 650,000 dollars):
# a larger figure is a slip or a test of the form, not pay.
MAX_AMOUNT = 100_000_000


def parse_amount(text: str) -> int:
    """An annual amount from '120k', '£95,000', 'one-twenty', '95-100k', '$140k base'.

    A range gives its lower end. Figures under 1,000 are read as thousands, since nobody's annual
    pay is 120 (recruiters say "expects 85" for 85,000).
    """
    raw = text.strip().lower()
    if _NEGATIVE.search(raw):
        raise InvalidValue(f"pay cannot be negative: {text!r}; write the figure without a minus sign")
    if _EXPONENT.search(raw):
        raise InvalidValue(f"{text!r} is written with an exponent; write the figure out, e.g. 85k or 85,000")
    match = _NUMBER.search(raw)
    if match and raw[match.end():].lstrip().startswith(("%", "percent", "per cent")):
        # "+15%" is a rise, not pay: read as 15,000 it would be a figure nobody said.
        raise InvalidValue(f"{text!r} is a percentage, not an amount")
    if match:
        digits = match.group(1)
        # "95,000" and "1,250,000" use commas as thousands separators; "1.5m" uses a decimal point.
        if re.fullmatch(r"\d{1,3}(,\d{3})+", digits):
            number = float(digits.replace(",", ""))
        else:
            number = float(digits.replace(",", "."))
        suffix = match.group(2)
        if suffix is None:
            # "95-100k": the scale is written once, after the upper end.
            tail = raw[match.end():]
            later = re.match(r"\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?\s*(k|grand|thousand|m|mil|million)\b", tail)
            suffix = later.group(1) if later else None
        if suffix:
            number *= _SCALES[suffix.lower()]
    else:
        cleaned = re.sub(r"[^a-z\s\-]", " ", raw)
        words = [w for w in cleaned.split() if w not in _CURRENCY_WORDS and w not in {"per", "year", "annum"}]
        value = _words_to_number(" ".join(words))
        if value is None:
            raise InvalidValue(f"not an amount: {text!r}")
        number = value
    if 0 < number < 1000:
        number *= 1000
    if number <= 0:
        raise InvalidValue(f"not a positive amount: {text!r}")
    if number > MAX_AMOUNT:
        raise InvalidValue(f"{text!r} is more than {MAX_AMOUNT:,} a year, which is not a pay figure; check the digits")
    return int(round(number))


def parse_currency(text: str) -> str:
    raw = text.strip()
    for sign, code in _CURRENCY_SIGNS.items():
        if sign in raw:
            return code
    lowered = raw.lower()
    for word in re.findall(r"[a-z]+", lowered):
        if word in _CURRENCY_WORDS:
            return _CURRENCY_WORDS[word]
    if re.fullmatch(r"[A-Za-z]{3}", raw):
        return raw.upper()
    raise InvalidValue(f"not a currency: {text!r}")


def parse_interest(text: str) -> int:
    raw = text.strip().lower()
    match = re.search(r"(\d+(?:\.\d+)?)\s*(?:/|out of|of)\s*(\d+)", raw)
    if match:
        score, scale = float(match.group(1)), float(match.group(2))
        if scale <= 0 or score > scale:
            raise InvalidValue(f"interest {text!r} is out of its own scale")
        value = round(score / scale * 5) if scale != 5 else round(score)
    else:
        digit = re.search(r"\d+(?:\.\d+)?", raw)
        if digit:
            value = round(float(digit.group(0)))
        else:
            words = _words_to_number(re.sub(r"[^a-z\s\-]", " ", raw))
            if words is None:
                raise InvalidValue(f"not an interest score: {text!r}")
            value = int(words)
    if not 1 <= value <= 5:
        raise InvalidValue(f"interest must be 1 to 5, got {text!r}")
    return int(value)


_TRUE = {"true", "yes", "y", "1", "has", "yes they do", "present"}
_FALSE = {"false", "no", "n", "0", "none", "not"}


def parse_boolean(text: str) -> bool:
    raw = text.strip().lower().rstrip(".")
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise InvalidValue(f"not yes or no: {text!r}")


# Common ways of writing each decision; a label outside the field's choices is refused.
_CHOICE_ALIASES = {
    "advance": ("advance", "advancing", "progress", "next round", "move forward", "proceed", "second round"),
    "hold": ("hold", "on hold", "pause", "waitlist"),
    "reject": ("reject", "rejected", "rejection", "no", "decline", "declined", "not progressing"),
    "offer": ("offer", "make an offer", "hire", "offered"),
    "undecided": ("undecided", "unsure", "not decided", "pending", "tbc", "unknown"),
}


def parse_choice(text: str, choices: tuple[str, ...]) -> str:
    raw = re.sub(r"\s+", " ", text.strip().lower().replace("-", " "))
    snake = raw.replace(" ", "_")
    if snake in choices:
        return snake
    for choice in choices:
        if raw in _CHOICE_ALIASES.get(choice, ()):
            return choice
    raise InvalidValue(f"{text!r} is not one of {', '.join(choices)}")


def parse_text(text: str) -> str:
    value = re.sub(r"\s+", " ", text).strip().strip("\"'")
    if not value:
        raise InvalidValue("empty text")
    if len(value) > 300:
        raise InvalidValue("text value longer than 300 characters")
    return value


def parse_value(spec: FieldSpec, text: str) -> Any:
    match spec.kind:
        case Kind.TEXT if spec.name == "interview_stage":
            return common_stage(text) or parse_text(text)
        case Kind.TEXT | Kind.TEXT_LIST:
            return parse_text(text)
        case Kind.INTEREST:
            return parse_interest(text)
        case Kind.BOOLEAN:
            return parse_boolean(text)
        case Kind.CHOICE:
            return parse_choice(text, spec.choices)
        case Kind.MONEY:
            return parse_amount(text)
        case Kind.CURRENCY:
            return parse_currency(text)
    raise InvalidValue(f"unknown field kind {spec.kind}")


def _stem(word: str) -> str:
    return word[:5]


def _names_subject(spec: FieldSpec, quote: str) -> bool:
    subject = {_stem(word) for word in spec.name.split("_") if len(word) > 3}
    return any(_stem(word) in subject for word in re.findall(r"[a-z]+", quote.lower()) if len(word) > 3)


_NEGATION = re.compile(r"\b(?:no|not|none|never|nor|without|neither)\b|n't\b", re.IGNORECASE)
# Not knowing is not a no: "not sure", "no idea", "doesn't know why". "Didn't know QOF" is a no about
# what the candidate knew, so "know" counts only without an object.
_UNSURE = re.compile(
    r"\b(?:not|isn't|isnt|wasn't|wasnt)\s+(?:\w+\s+)?(?:sure|certain)\b|\bno idea\b|\bunsure\b"
    r"|\b(?:don't|dont|doesn't|doesnt|didn't|didnt|do not|does not|did not)\s+know"
    r"(?:\s+(?:why|if|whether|what|who|how|yet)\b|\s*(?:[.,;:!?)]|$))",
    re.IGNORECASE,
)


def says_unsure(text: str) -> bool:
    """Whether the words say the speaker does not know ("no idea if it's him or the role")."""
    return bool(_UNSURE.search(text))


# Words with which people take back what they wrote: "sorry, her name's siobhan", "actually it's the
# Leeds role", "typo: Halden not Holden".
_CORRECTING = re.compile(
    r"\b(?:sorry|correction|correcting|actually|typo|auto-?correct\w*|i mean|i meant|meant to say|misread|"
    r"mistake|misspelt|misspelled|wrong|scratch that|should have said|should say|should be|should read|"
    r"make (?:that|it)|change (?:that|it) to|instead)\b",
    re.IGNORECASE,
)


def says_correction(text: str) -> bool:
    """Whether the words take back something said before ("sorry, it's siobhan not sinead")."""
    return bool(_CORRECTING.search(text))


def says_no(text: str) -> bool:
    """Whether the words hold a negation ("no offer", "hasn't", "without"); one that only says the
    speaker does not know ("not sure") is none."""
    return bool(_NEGATION.search(_UNSURE.sub(" ", text)))


def answer_in_quote(spec: FieldSpec, quote: str) -> Any:
    """The answer a quote gives to a yes/no or choice field whose value the model wrote as something
    else ("competing offers: Monzo"). A yes/no quote that names the field's subject and has no negation
    states that the thing holds; anything else is left for the value to settle. A choice is read only
    when the quote names exactly one of the field's choices. Raises InvalidValue when the quote does not
    clearly answer."""
    if spec.kind is Kind.BOOLEAN:
        # Only a quote that names the field's subject ("an offer from Monzo" for competing offers): "they
        # were quick to reply" under relationship risk says the opposite of yes.
        if _NEGATION.search(quote) or not _names_subject(spec, quote):
            raise InvalidValue(f"{quote!r} does not clearly say yes")
        return True
    if spec.kind is Kind.CHOICE:
        lowered = " " + re.sub(r"[^a-z]+", " ", quote.lower().replace("-", " ")) + " "
        named = {
            choice for choice in spec.choices
            for alias in (choice.replace("_", " "), *_CHOICE_ALIASES.get(choice, ()))
            if f" {alias} " in lowered
        }
        if len(named) == 1:
            return named.pop()
        raise InvalidValue(f"{quote!r} does not name one of {', '.join(spec.choices)}")
    raise InvalidValue(f"{spec.kind} values are not read from the quote alone")
