"""Candidate contact details stay on this machine: emails, phone numbers and postal addresses become
placeholders ([EMAIL_1], [PHONE_1], [ADDRESS_1]) before a prompt goes to an endpoint elsewhere, and the
model's answer gets the originals back, so quotes still match the recruiter's own words.

The patterns are narrow on purpose: a salary ("£95,000", "120k"), a date, a score ("8/10") or a notice
period mistaken for a phone number would reach the model as a placeholder and be lost from the record.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

from langchain_core.messages import BaseMessage

from assistant.model.llm import is_loopback

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

# Separators inside a number: one space, dot or hyphen (not a comma or slash: those write figures,
# dates and scores). Candidates are then checked for a plausible count of digits.
_PHONE = re.compile(
    r"(?<![\w£$€.,/+-])"
    r"(?:"
    r"\+\d{1,3}[ .-]?(?:\(0\)[ .-]?)?\d{1,4}(?:[ .-]?\d{2,4}){1,4}"  # +44 7700 900123, +1 415 555 0134
    r"|\(\d{3}\)[ .-]?\d{3}[ .-]?\d{4}"  # (415) 555-0134
    r"|\d{3}[.-]\d{3}[.-]\d{4}"  # 415-555-0134, 415.555.0134
    r"|0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}"  # 07700 900123, 020 7946 0958, 0161 496 0000
    r")"
    r"(?![\w/-]|[.,]\d)"
)

# UK postcodes as written on letters (upper case): "SW1A 1AA", "M1 1AE", "EC1V 9HX".
_POSTCODE_TEXT = r"(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
_POSTCODE = re.compile(rf"(?<![\w-]){_POSTCODE_TEXT}(?![\w-])")

_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Way|Terrace|Close|"
    "Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Gardens|Mews|Grove"
)
# A house number, one to four capitalised words and a street type: "221B Baker Street",
# "1600 Pennsylvania Ave NW", then optionally ", City" and a US state with its ZIP code or a UK postcode.
# Lower-case street names are left alone: "2 years at monzo" must not read as an address.
_STREET = re.compile(
    r"(?<![\w£$€.,/])\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'-]+\s+){1,4}"
    rf"(?:{_STREET_TYPES})\b\.?"
    r"(?:\s+(?:NW|NE|SW|SE|N|S|E|W)\b)?"
    r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2})?"
    rf"(?:,?\s*(?:[A-Z]{{2}}\s+\d{{5}}(?:-\d{{4}})?\b|{_POSTCODE_TEXT}(?![\w-])))?"
)

_PLACEHOLDER = re.compile(r"\[(?:EMAIL|PHONE|ADDRESS)_\d+\]")


def _plausible_phone(text: str) -> bool:
    return 9 <= sum(ch.isdigit() for ch in text) <= 15


_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", _EMAIL), ("ADDRESS", _STREET), ("ADDRESS", _POSTCODE), ("PHONE", _PHONE),
]


def should_redact(mode: str, base_url: str | None) -> bool:
    """"auto" redacts for any endpoint off this machine."""
    if mode == "auto":
        return not is_loopback(base_url)
    return mode == "on"


class Redactor:
    """One per model call: the same detail gets the same placeholder everywhere in the prompt, numbered
    in order of first appearance, so earlier turns render identically and the server's cache holds."""

    def __init__(self) -> None:
        self._by_original: dict[str, str] = {}
        self._by_placeholder: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def redact(self, text: str) -> str:
        for kind, pattern in _KINDS:
            text = pattern.sub(partial(self._placeholder, kind), text)
        return text

    def redact_messages(self, messages: list[BaseMessage]) -> list[BaseMessage]:
        return [
            m.model_copy(update={"content": self.redact(m.content)}) if isinstance(m.content, str) else m
            for m in messages
        ]

    def restore(self, value: Any) -> Any:
        """Puts the originals back into every string of a model's answer (tool arguments, text)."""
        if isinstance(value, str):
            return _PLACEHOLDER.sub(lambda match: self._by_placeholder.get(match.group(0), match.group(0)), value)
        if isinstance(value, dict):
            return {key: self.restore(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.restore(item) for item in value]
        return value

    def _placeholder(self, kind: str, match: re.Match[str]) -> str:
        original = match.group(0)
        if _PLACEHOLDER.fullmatch(original):
            return original
        if kind == "PHONE" and not _plausible_phone(original):
            return original
        # A match may end in a sentence's full stop; the stop is not part of the detail.
        trailing = original[len(original.rstrip(".,")):] if kind == "ADDRESS" else ""
        original = original[: len(original) - len(trailing)] if trailing else original
        if original not in self._by_original:
            self._counts[kind] = self._counts.get(kind, 0) + 1
            placeholder = f"[{kind}_{self._counts[kind]}]"
            self._by_original[original] = placeholder
            self._by_placeholder[placeholder] = original
        return self._by_original[original] + trailing
