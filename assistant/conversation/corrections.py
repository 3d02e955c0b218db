"""A value corrected in the record panel rather than in the chat.

The correction is logged as the recruiter's own words ("Correction: notice period is 3 months") and put
through the same evidence gate as a chat turn, quoting that line: so a form edit is checked, recorded and
shown in the transcript exactly like a chat correction, with no model call. The value's source becomes
"form" so the record says it was typed in, not read from the conversation.
"""

from __future__ import annotations

from assistant.conversation.recording import GateResult, apply_updates
from assistant.conversation.replies import label
from assistant.core import SPECS_BY_KEY, InvalidInput, Kind, ProposedUpdate, Record

MAX_VALUE_CHARS = 2000


def correction_line(record: Record, key: str, value: str) -> tuple[str, list[ProposedUpdate]]:
    """The transcript line for the correction and the updates it makes, each quoting that line."""
    spec = SPECS_BY_KEY.get(key)
    if spec is None or record.kind not in spec.sides:
        raise InvalidInput(f"{key!r} is not a field of a {record.kind} debrief")
    if len(value) > MAX_VALUE_CHARS:
        raise InvalidInput(f"the value is {len(value)} characters; the limit is {MAX_VALUE_CHARS}")
    # A list is corrected whole, one item per line: that is how the panel shows it.
    items = [line.strip(" -\t") for line in value.splitlines()] if spec.kind is Kind.TEXT_LIST else [value]
    items = [item.strip() for item in items if item.strip()]
    if not items:
        raise InvalidInput(f"type a value for {label(key)}")
    name = label(spec.key)
    if spec.kind is Kind.TEXT_LIST:
        text = f"Correction: {name} are:\n" + "\n".join(f"- {item}" for item in items)
        return text, [ProposedUpdate(field=spec.key, value=item, quote=item) for item in items]
    # The quote is "<field> is <value>", not the bare value: "3" alone is too short to stand as evidence.
    quote = f"{name} is {items[0]}"
    return f"Correction: {quote}", [ProposedUpdate(field=spec.key, value=items[0], quote=quote)]


def apply_correction(record: Record, key: str, value: str) -> tuple[str, GateResult]:
    """Mutates `record`; raises InvalidInput, leaving it untouched, when nothing could be applied."""
    text, proposed = correction_line(record, key, value)
    spec = SPECS_BY_KEY[key]
    trial = record.model_copy(deep=True)
    if spec.kind is Kind.TEXT_LIST:
        trial.fields.pop(spec.key, None)
    gate = apply_updates(trial, proposed, [text], typed=True)
    if gate.rejected:
        reasons = "; ".join(f"\u201c{r.value}\u201d: {r.reason}" for r in gate.rejected)
        raise InvalidInput(f"{label(key)} could not be recorded ({reasons})")
    top = spec.parent or spec.key
    before, after = record.fields.get(top), trial.fields.get(top)
    if not gate.applied or (before is not None and after is not None and before.value == after.value):
        raise InvalidInput(f"{label(key)} already holds that value")
    for update in gate.applied:
        trial.fields[update.field.split(".")[0]].source = "form"
    record.fields = trial.fields
    return text, gate
