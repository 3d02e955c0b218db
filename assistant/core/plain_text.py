"""Plain text from what a model or an upload wrote: no markup, no links that lead anywhere, no code.

Both a draft and a value stored in the record are shown to people and pasted into email; neither may
carry an address or an element that a mail client or a browser would act on.
"""

from __future__ import annotations

import re

_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
# A link target may hold one level of parentheses: javascript:alert(1), a Wikipedia address.
_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_IMAGE = re.compile(r"!\[[^\]\n]*\](?:" + _TARGET + r"|\[[^\]\n]*\])")
_LINK = re.compile(r"\[([^\]\n]+)\]" + _TARGET)
_REFERENCE = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")  # [words][1], its address defined elsewhere
_DEFINITION = re.compile(r"^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S.*$", re.MULTILINE)  # [1]: http://...
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
# Elements whose content is code or another document, not words for the reader: they go whole.
_ELEMENT = re.compile(r"<(script|style|iframe|object|embed|svg|template)\b[^>]*>.*?(?:</\1\s*>|$)",
                      re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>\n]{0,200}>")
# Any address with a scheme (https://, ftp://, a defanged hxxp://) or a scheme that runs code or embeds data.
_URL = re.compile(
    r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:javascript|vbscript|livescript):|\bdata:[a-z]+/|\bmailto:(?=\S))"
    r"(?:[^\s<>()]|\([^\s()]*\))*",
    re.IGNORECASE,
)


def clean(text: str) -> tuple[str, list[str]]:
    """Plain text only: images, tags and code go, links keep their words but lose their address."""
    removed: list[str] = []

    def drop(match: re.Match[str]) -> str:
        removed.append(match.group(0))
        return ""

    def unlink(match: re.Match[str]) -> str:
        removed.append(match.group(0))
        return match.group(1)

    text = _COMMENT.sub(drop, text)
    text = _ELEMENT.sub(drop, text)
    text = _IMAGE.sub(drop, text)
    text = _LINK.sub(unlink, text)
    text = _REFERENCE.sub(unlink, text)
    text = _DEFINITION.sub(drop, text)
    text = _TAG.sub(drop, text)
    text = _URL.sub(drop, text)
    text = _BOLD.sub(lambda m: m.group(2), text)  # plain text: emphasis markers would arrive as asterisks
    # The brief fences the original spec with <<< >>>; a small model sometimes copies the fence too.
    text = re.sub(r"^\s*(?:<<<|>>>)\s*$", "", text, flags=re.MULTILINE)
    return text.strip(), removed
