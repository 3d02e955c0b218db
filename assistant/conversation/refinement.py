"""Apply what the whole-conversation pass proposes, through the same gate as a turn, without undoing
the recruiter's own work.

Every proposal goes through assistant/conversation/recording.py exactly as a turn's does (the quote
must stand in the recruiter's messages, outside pasted instructions; the value must parse;
protected-characteristic remarks are routed to compliance flags). On top of that:
- it never touches a field the recruiter typed in or corrected;
- it fills fields the record does not hold and adds list items it does not list yet;
- it may change who and what the debrief is about (candidate, role, company, stage), and nothing else
  a turn recorded. Those facts are spread over messages: a turn reads one and can take the interviewer
  for the candidate or a project for the company, which a reading of the whole conversation is better
  placed to see. Other values stay as the turn read them: it read that message closer than one pass
  over everything can, and a correction must not be reverted by a model re-reading the older words.
The pass writes every field it can, so it also says "no", "none" and "unknown" where a turn stays
silent; those are taken only where the words say so. Where the recruiter owns a failed interview
("that one's on me"), the cause is read from their words (assistant/conversation/diagnosis.py) in place
of the pass's, and it may replace a cause an earlier pass chose.
"""

from __future__ import annotations

import re

from assistant.compliance import flag_for
from assistant.conversation.diagnosis import recruiters_own_failure
from assistant.conversation.recording import GateResult, Transcript, apply_updates, identity_refused
from assistant.core import (
    SPECS_BY_KEY,
    FieldSpec,
    Kind,
    ProposedUpdate,
    Record,
    Rejection,
    normalise,
    says_no,
    says_unsure,
)

# What the pass writes for a field it cannot fill: an answer, not a value.
_NO_ANSWER = {"unknown", "n a", "na", "none", "not stated", "not mentioned", "unclear", "no", "nothing", "null"}
_REVISABLE = {"candidate_name", "role_title", "company", "interview_stage"}
_WORD = re.compile(r"[a-z0-9]+")
_KEPT = "kept as you typed or corrected it"
_NOT_IN_QUOTE = "value not in its quote"
_NO_NEGATION = "the quote does not say no"
_REMARK = "rests on a remark about a protected characteristic"
_REPORTED = (_KEPT, _NOT_IN_QUOTE, _NO_NEGATION, _REMARK)
# The pass's own judgements (a client's decision is a fact it reports, not one it makes).
_JUDGED = {"failure_cause", "relationship_risk"}


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


def _already_listed(item: str, items: list[object]) -> bool:
    """A list item that says what one already listed does ("weak on SQL" and "SQL was weak")."""
    new = _words(item)
    if not new:
        return True
    return any(len(new & _words(str(old))) / len(new) >= 0.6 for old in items)


def _listed(record: Record, spec: FieldSpec, item: str) -> bool:
    """Listed under this field or under any other list but the compliance flags: one point, one field,
    since the pass tends to file a point under every list it could belong to."""
    return any(
        _already_listed(item, value)
        for name, field in record.fields.items()
        if (name == spec.name or name != "compliance_flags") and isinstance(value := field.value, list)
    )


def _said(update: ProposedUpdate, spec: FieldSpec) -> str:
    # For text the quote is the value.
    return update.quote if spec.kind in (Kind.TEXT, Kind.TEXT_LIST) else update.value


def _revises(record: Record, spec: FieldSpec, update: ProposedUpdate, transcript: Transcript) -> bool:
    """A different name, role, company or stage than the turn's; a name, role or company only when it
    says at least as much: a mistaken label gives way to a fuller one ("HM" to "Hartwell Defence
    Systems"), while a fragment the pass picked up ("MD", "civils") never replaces a full value. One
    that holds the other is the same. A value the gate would now refuse gives way to any other: the
    turn took "ashgrove capital compliance analyst" for the candidate before the record held the
    company's name."""
    if spec.name not in _REVISABLE or spec.parent:
        return False
    current = str(record.value(spec.name))
    new, old = normalise(update.value or update.quote), normalise(current)
    if new and spec.name != "interview_stage" and identity_refused(spec.name, current, record, transcript):
        return True
    if not new or new in old or old in new:
        return False
    # A stage is a short label ("final"), so a shorter one is no fragment: the turn's longer value is
    # more often a whole clause it took for the stage.
    return spec.name == "interview_stage" or len(new) >= len(old)


def _blocked(
    record: Record, update: ProposedUpdate, protected: set[str], transcript: Transcript, owned: bool = False
) -> str | None:
    spec = SPECS_BY_KEY.get(update.field)
    if spec is None:
        return None  # the gate reports it
    top = spec.parent or spec.name
    if top in protected or f"{top}.{spec.name}" in protected:
        return _KEPT
    said = _said(update, spec)
    if spec.kind is not Kind.BOOLEAN and " ".join(_WORD.findall(said.lower())) in _NO_ANSWER:
        return "no answer"
    if spec.kind is Kind.BOOLEAN and update.value.strip().lower() in ("no", "false") and (
            not says_no(update.quote) or len(_words(update.quote)) < 2):
        # A bare "no" found anywhere in the messages says nothing about this field.
        return _NO_NEGATION
    if spec.kind in (Kind.TEXT, Kind.TEXT_LIST) and update.value.strip() and (
            normalise(update.value) not in normalise(update.quote)):
        # Over a whole transcript the small model sometimes quotes one message for a value written in
        # another ("final" with an unrelated sentence): the turn's gate would store the whole sentence.
        return _NOT_IN_QUOTE
    if spec.name in _JUDGED and flag_for(update.quote):
        # Our judgement of the client never rests on a remark about a protected characteristic.
        return _REMARK
    if spec.name == "failure_cause" and says_unsure(update.quote):
        # "No idea if it's him, the role or us" is the recruiter saying the cause is unknown.
        return "the quote says the cause is not known"
    if spec.name == "failure_cause" and record.value("decision") != "reject":
        # A cause is why the client turned the candidate down; a candidate who goes ahead, is on hold or
        # awaits a decision did not fail. The pass writes the decision first, so it is known by now.
        return "no rejection recorded"
    if spec.parent == "competing_offer" and record.value("competing_offers") is not True:
        return "no competing offer recorded"  # details of an offer nobody said exists
    if spec.key == "competing_offer_company" and normalise(update.quote) == normalise(str(record.value("company"))):
        return "already recorded"  # the client's own offer competes with nothing
    if spec.kind is Kind.TEXT_LIST:
        return "already recorded" if _listed(record, spec, update.quote) else None
    current = record.fields.get(top)
    if current is None:
        return None
    if spec.parent:
        held = current.value if isinstance(current.value, dict) else {}
        return "already recorded" if held.get(spec.name) not in (None, "") else None
    if record.is_filled(top) and not owned and not _revises(record, spec, update, transcript):
        return "already recorded"
    if owned and record.value(top) == update.value:
        return "already recorded"
    return None


def apply_refinement(
    record: Record, proposed: list[ProposedUpdate], messages: list[str], protected: set[str]
) -> GateResult:
    """Mutates `record` with the proposals that add something and pass the gate. `protected`: fields
    the recruiter typed in or corrected. Fields the pass creates or changes are marked source
    "conversation"."""
    result = GateResult()
    transcript = Transcript.of(messages)
    before = set(record.fields)
    own = recruiters_own_failure(messages) if record.kind == "client" else None
    owned = None if own is None else own.update()
    if owned is not None:
        proposed = [update for update in proposed if update.field != "failure_cause"] + [owned]
    # One at a time, so that a second proposal for a field the first one just filled counts as known;
    # the company first, which shows a name or a title that holds it to be the heading of a note.
    for update in sorted(proposed, key=lambda update: update.field != "company"):
        reason = _blocked(record, update, protected, transcript, owned=update is owned)
        if reason is None:
            one = apply_updates(record, [update], transcript)
            result.applied.extend(one.applied)
            result.rejected.extend(one.rejected)
        elif reason in _REPORTED:
            result.rejected.append(Rejection(field=update.field, value=update.value[:60], reason=reason))
    changed = {u.field.split(".")[0] for u in result.applied if u.corrected_from is not None}
    for name in (set(record.fields) - before) | changed:
        record.fields[name].source = "conversation"
    return result


def protected_fields(record: Record, corrected: set[str]) -> set[str]:
    """Fields typed into the form, and fields a recruiter's message corrected (`corrected`, read from
    the turns' logs; a sub-field as "compensation.expected"): the pass must not undo either."""
    return {name for name, item in record.fields.items() if item.source == "form"} | corrected
