"""Apply what the whole-conversation pass proposes, through the same gate as a turn, without undoing
the recruiter's own work.

Every proposal goes through assistant/recording.py exactly as a turn's does (the quote must stand in
the recruiter's messages, outside pasted instructions; the value must parse; protected-characteristic
remarks are routed to compliance flags). On top of that the pass only adds: it fills fields the record
does not hold and adds list items it does not list, and it never touches a field the recruiter typed in
or corrected. Changing a value already recorded is left to the recruiter: the turn that recorded it read
the message closer than one pass over everything can, and a later correction must not be reverted by a
model re-reading the older words.
"""

from __future__ import annotations

import re

from assistant.conversation.recording import GateResult, apply_updates
from assistant.core import SPECS_BY_KEY, Kind, ProposedUpdate, Record, Rejection, normalise

# The pass may answer "unknown" for a judgement it cannot make: that is an answer, not a value.
_NO_ANSWER = {"unknown", "n/a", "none", "not stated", "unclear"}
_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _already_listed(item: str, items: list[object]) -> bool:
    """A list item that says what one already listed does ("weak on SQL" and "SQL was weak")."""
    new = _words(item)
    if not new:
        return True
    return any(len(new & _words(str(old))) / len(new) >= 0.6 for old in items)


def _blocked(record: Record, update: ProposedUpdate, protected: set[str]) -> str | None:
    spec = SPECS_BY_KEY.get(update.field)
    if spec is None:
        return None  # the gate reports it
    top = spec.parent or spec.name
    if top in protected or f"{top}.{spec.name}" in protected:
        return "kept as you typed or corrected it"
    if spec.kind is Kind.CHOICE and update.value.strip().lower() in _NO_ANSWER:
        return "no answer"
    if spec.kind in (Kind.TEXT, Kind.TEXT_LIST) and update.value.strip() and (
            normalise(update.value) not in normalise(update.quote)):
        # Over a whole transcript the small model sometimes quotes one message for a value written in
        # another ("final" with an unrelated sentence): the turn's gate would store the whole sentence.
        return "value not in its quote"
    current = record.fields.get(top)
    if current is None:
        return None
    if spec.parent:
        held = current.value if isinstance(current.value, dict) else {}
        return "already recorded" if held.get(spec.name) not in (None, "") else None
    if spec.kind is Kind.TEXT_LIST:
        items = current.value if isinstance(current.value, list) else []
        return "already recorded" if _already_listed(update.quote or update.value, items) else None
    return "already recorded" if record.is_filled(top) else None


def apply_refinement(
    record: Record, proposed: list[ProposedUpdate], messages: list[str], protected: set[str]
) -> GateResult:
    """Mutates `record` with the proposals that add something and pass the gate. `protected`: fields
    the recruiter typed in or corrected. Fields the pass creates are marked source "conversation"."""
    result = GateResult()
    before = set(record.fields)
    # One at a time, so that a second proposal for a field the first one just filled counts as known.
    for update in proposed:
        reason = _blocked(record, update, protected)
        if reason is None:
            one = apply_updates(record, [update], messages)
            result.applied.extend(one.applied)
            result.rejected.extend(one.rejected)
        elif reason in ("kept as you typed or corrected it", "value not in its quote"):
            result.rejected.append(Rejection(field=update.field, value=update.value[:60], reason=reason))
    for name in set(record.fields) - before:
        record.fields[name].source = "conversation"
    return result


def protected_fields(record: Record, corrected: set[str]) -> set[str]:
    """Fields typed into the form, and fields a recruiter's message corrected (`corrected`, read from
    the turns' logs; a sub-field as "compensation.expected"): the pass must not undo either."""
    return {name for name, item in record.fields.items() if item.source == "form"} | corrected
