"""Reading a job spec the recruiter uploads: text files only, decoded the way recruiters' files are saved.

Specs come out of Word, Notepad and ATS exports, so a UTF-8 file may carry a byte-order mark, Notepad
may have saved UTF-16, and an older export may be Windows-1252. Anything that is not text (a PDF or a
Word file renamed .txt) is refused with a message saying what to do, rather than read as mojibake.
"""

from __future__ import annotations

import codecs
from pathlib import PurePath

from assistant.core import InvalidInput, clean_typed

SPEC_SUFFIXES = (".md", ".markdown", ".txt")
_SIGNATURES = {b"%PDF": "a PDF", b"PK\x03\x04": "a Word or zip file", b"\xd0\xcf\x11\xe0": "an old Word file"}
# Control characters other than tab, newline, carriage return and form feed do not occur in typed text.
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r", "\f"}
_MAX_CONTROL_SHARE = 0.01


def read_spec_upload(filename: str, data: bytes, max_bytes: int) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SPEC_SUFFIXES:
        shown = f"a {suffix} file" if suffix else "a file without an extension"
        raise InvalidInput(f"The job spec must be a .md or .txt file, not {shown}: paste the text or save it as .txt.")
    if len(data) > max_bytes:
        raise InvalidInput(
            f"The job spec file is {len(data):,} bytes; the limit is {max_bytes:,}. Paste only the spec itself."
        )
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            raise InvalidInput(f"The job spec file is {kind}, not text: save it as .txt or paste the text.")
    text = _decode(data)
    if text is None or sum(c in _CONTROL for c in text) > _MAX_CONTROL_SHARE * len(text):
        raise InvalidInput("The job spec file does not contain text (it looks binary): save it as .txt or paste it.")
    # The same cleaning as every typed text (NFC, no direction controls or zero-width characters).
    text = clean_typed(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise InvalidInput("The job spec file is empty.")
    return text


def _decode(data: bytes) -> str | None:
    if data.startswith(codecs.BOM_UTF8):
        return _try(data[len(codecs.BOM_UTF8):], "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _try(data, "utf-16")
    if b"\x00" in data:
        return None  # no text encoding a spec would be saved in puts NUL bytes in it without a BOM
    # cp1252 first because it is what Windows tools write; latin-1 decodes the few bytes it leaves undefined.
    return _try(data, "utf-8") or _try(data, "cp1252") or data.decode("latin-1")


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None
