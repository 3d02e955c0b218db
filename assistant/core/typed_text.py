"""Text as a recruiter sends it, made fit to store, show and draft from.

Every text a route accepts goes through `clean_typed`: JSON can carry a lone UTF-16 surrogate
("\\ud800"), which no database can store; and invisible characters change what a line seems to say
(a right-to-left override shows "gnp.exe" as "exe.png") or hide a name from a search and from an
erasure request ("Pri\\u200bya" is not "Priya"). So the text is refused when it is not valid Unicode,
put in NFC (one spelling for "é", whether typed as one character or as "e" and an accent), and the
direction controls and zero-width characters are removed before anything else sees it.
"""

from __future__ import annotations

import re
import unicodedata

from assistant.core.errors import InvalidInput

# Bidirectional embeddings, overrides and isolates, the direction marks, and the zero-width and
# invisible joiners and separators. Zero-width joiners also glue emoji together and shape some scripts;
# without them such text still reads, only less finely, which is the price of one rule for every field.
INVISIBLE = re.compile("[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class NotUnicode(InvalidInput):
    """The text holds a lone surrogate: it is not valid Unicode and cannot be stored or shown."""


def clean_typed(text: str) -> str:
    """Refuse a lone surrogate, normalise to NFC, remove direction controls and zero-width characters."""
    if _SURROGATE.search(text):
        raise NotUnicode(
            "the text is not valid Unicode (it holds a lone UTF-16 surrogate such as \\ud800): send it as UTF-8"
        )
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text))
