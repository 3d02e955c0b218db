"""Apply the model's proposed updates to the record, through the evidence gate.

Nothing the model proposes is trusted: the field must belong to this side, the value must parse as
the field's type and range, and the quote must stand in the recruiter's own words, outside any
pasted passage that tries to instruct the assistant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.compliance import JUDGEMENT_FIELDS, flag_for
from assistant.conversation.client_relationship import (
    our_reading,
    speaks_of_our_dealings,
    towards_us,
    we_told_them,
)
from assistant.conversation.diagnosis import owns_the_failure, recruiters_own_failure, supports_the_cause
from assistant.conversation.people import client_people, is_a_role, is_client_person
from assistant.conversation.placement import placed
from assistant.conversation.points import Item, restatements
from assistant.conversation.remarks import clause_of, remark_around, remarks_in, same_remark
from assistant.conversation.untrusted import overlaps, untrusted_spans
from assistant.core import (
    SPECS_BY_KEY,
    STOP_WORDS,
    AppliedUpdate,
    FieldSpec,
    FieldValue,
    InvalidValue,
    Kind,
    Located,
    ProposedUpdate,
    Record,
    Rejection,
    answer_in_quote,
    clean,
    common_notice,
    common_stage,
    job_title,
    locate,
    names_a_notice,
    names_a_stage,
    normalise,
    parse_currency,
    parse_value,
    says_correction,
    words,
)

_STATES_A_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|grand|million)\b",
    re.IGNORECASE,
)


# A rating written with its scale: "9/10", "4 out of 5".
_SCORED = re.compile(r"\d+(?:\.\d+)?\s*(?:/|out\s+of)\s*(?:5|10)\b", re.IGNORECASE)
_PROPER_NAMES = {"candidate_name", "company"}
# Names are not remarks: "Age UK" or a role such as "Imam" must not be read as one.
_IDENTITY = {"candidate_name", "company", "role_title"}
# What one debrief is about: a turn changes these only when the recruiter says it corrects them.
_HELD = _IDENTITY | {"interview_stage"}
SHOWN_WORDS = 4
_STAGE_LABEL_WORDS = 4  # an uncommon stage is still a label: "onsite with the CEO"
# Words that point at something said elsewhere (it, that, there), or that make a clause of the
# recruiter's own doing ("i pointed out", "will check"). An item whose only other word is one word
# ("loved it", "sleep on it") says nothing without the sentence around it; one naming a quality in a
# clause about the candidate ("she's sharp") does, so "he" and "she" are not among them.
_POINTING = frozenset("""
i we it that this there these those will would shall should can could may might must do does did doesnt
didnt dont isnt wasnt wont cant
""".split())  # noqa: SIM905 - the list reads better as words
# The client's judgement of the candidate and of the role: what the recruiter's own mistakes are not.
_THE_CLIENTS_VIEW = JUDGEMENT_FIELDS | {"strengths", "requirement_changes"}
# Words that judge, hedge, weigh or fill without naming what they are about. An item made only of these
# and the words above ("my bad", "he's right", "she felt pretty solid overall", "short version",
# "non negotiable", "one thing he wasn't thrilled about") is a verdict on something said around it: the
# recruiter cannot tell from the record what it was.
_VERDICT = frozenset("""
good great bad fine ok okay solid strong weak nice poor right wrong sure unsure hard easy well really
quite pretty bit kinda sorta sort kind lot lots thing things stuff nothing something anything everything
reason version news point main short thrilled happy keen excited tho though v obvs basically honestly
overall say said think thought feel felt seem seemed probably maybe definitely yes yeah nope actually
mandatory essential negotiable non dealbreaker dealbreakers desirable required must critical crucial
important key optional worry worries concern concerns issue issues problem problems big real only one
""".split())  # noqa: SIM905 - the list reads better as words


@dataclass
class GateResult:
    applied: list[AppliedUpdate] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


@dataclass(frozen=True)
class Transcript:
    """The recruiter's messages with what the gate reads off them as a whole: where pasted instructions
    sit in each, and who is named as the hiring manager or an interviewer. Read once for a pass that
    puts its proposals through the gate one at a time."""

    messages: list[str]
    spans_by_message: list[list[tuple[int, int]]]
    people: set[str]
    pasted_words: list[frozenset[str]]  # the words of each passage that gives instructions

    @classmethod
    def of(cls, messages: list[str]) -> Transcript:
        spans = [untrusted_spans(text) for text in messages]
        pasted = [frozenset(words(text[start:end]))
                  for text, found in zip(messages, spans, strict=True) for start, end in found]
        return cls(messages, spans, client_people(messages), pasted)


def apply_updates(
    record: Record, proposed: list[ProposedUpdate], messages: list[str] | Transcript, turn: bool = False,
    typed: bool = False,
) -> GateResult:
    """Mutates `record` with every update that passes the gate; reports the rest. `turn`: the proposals
    read the newest message, which changes who, for what and where only when it says it corrects them
    (the whole-conversation pass and the record panel have their own rules for that). `typed`: the
    recruiter typed these into the record panel, so each stays in the list they chose, worded as they
    wrote it."""
    result = GateResult()
    transcript = messages if isinstance(messages, Transcript) else Transcript.of(messages)
    texts = transcript.messages
    found = [locate(update.quote, texts) for update in proposed]
    # Restatements are left out silently, like a repeat: the point they make is in the record.
    left_out = restatements(record, [
        Item(index, spec.name, _own_words(update.value, located.text))
        for index, (update, located) in enumerate(zip(proposed, found, strict=True))
        if located is not None and (spec := SPECS_BY_KEY.get(update.field)) is not None
        and spec.kind is Kind.TEXT_LIST and record.kind in spec.sides
    ])
    # A title typed with the company ("clearmint snr backend eng") is told from it even when the company
    # comes later in the same answer.
    company = record.value("company") or next(
        (_own_words(u.value, at.text) for u, at in zip(proposed, found, strict=True) if u.field == "company" and at),
        None)
    batch = _Batch(transcript, company if isinstance(company, str) else None, turn, typed)
    for index, update in enumerate(proposed):
        if index in left_out:
            continue
        reason = _apply_one(record, update, found[index], batch, result)
        if reason:
            result.rejected.append(Rejection(field=update.field, value=_as_shown(update.value, texts),
                                             reason=reason))
    return result


_CLAUSE_BREAK = re.compile(r"[,;!?\n(){}\[\]\"]|\.(?:\s|$)|\s[-\u2013\u2014]\s")


def _rating_stated(
    spec: FieldSpec, value: str, located: Located, messages: list[str], untrusted: list[tuple[int, int]]
) -> Located | None:
    """A small model often quotes the words around a rating ("he is keen") and puts the rating itself
    ("4") only in the value. When that rating is written exactly once in the same message, outside
    pasted instructions, the clause holding it is the evidence; otherwise the update stays unsupported.
    Ratings only: a bare figure for money ("1") would read as 1,000."""
    figure = value.strip()
    if not figure or not _STATES_A_NUMBER.search(figure) or len(figure) > 12:
        return None
    text = messages[located.message_index]
    found = list(re.finditer(rf"(?<![\w.]){re.escape(figure)}(?!\w|\.\d)", text, re.IGNORECASE))
    if len(found) != 1 or overlaps(found[0].span(), untrusted):
        return None
    breaks = list(_CLAUSE_BREAK.finditer(text))
    start = max((b.end() for b in breaks if b.end() <= found[0].start()), default=0)
    end = min((b.start() for b in breaks if b.start() >= found[0].end()), default=len(text))
    clause = locate(text[start:end].strip(), [text])
    try:
        same = clause is not None and parse_value(spec, clause.text) == parse_value(spec, figure)
    except InvalidValue:
        return None
    return Located(located.message_index, clause.start, clause.end, clause.text) if clause and same else None


def _as_shown(value: str, messages: list[str]) -> str:
    """A turned-down value is echoed to the recruiter: their own words, or a short figure or choice. A
    long value from nowhere is cut short and stripped of links, so the reply cannot carry what the
    model was told to say instead (its instructions, a link, a message of someone else's)."""
    value = " ".join(value.split())
    if any(normalise(value) in normalise(text) for text in messages):
        return value
    value = clean(value)[0]
    words = value.split()
    return value if len(words) <= SHOWN_WORDS else " ".join(words[:SHOWN_WORDS]) + "…"


def _own_words(value: str, quote: str) -> str:
    """What a text field stores: the value when it is a trimmed part of the quote (the recruiter's own
    words), the quote otherwise."""
    value = value.strip()
    return value if value and normalise(value) in normalise(quote) else quote


@dataclass(frozen=True)
class _Batch:
    """What every proposal of one answer is checked against."""

    transcript: Transcript
    company: str | None  # recorded, else proposed in the same answer
    turn: bool = False
    typed: bool = False  # the recruiter's own entry in the record panel: filed where they put it


def _apply_one(
    record: Record, update: ProposedUpdate, located: Located | None, batch: _Batch, result: GateResult
) -> str | None:
    messages, spans_by_message = batch.transcript.messages, batch.transcript.spans_by_message
    spec = SPECS_BY_KEY.get(update.field)
    if spec is None or record.kind not in spec.sides:
        return "not a field of this debrief"
    if located is None:
        return "quote not found in your messages"
    if overlaps((located.start, located.end), spans_by_message[located.message_index]):
        return "quote comes from pasted text that gives instructions"
    if spec.kind in (Kind.MONEY, Kind.INTEREST) and not _STATES_A_NUMBER.search(located.text):
        stated = None if spec.kind is Kind.MONEY else _rating_stated(
            spec, update.value, located, messages, spans_by_message[located.message_index])
        if stated is None:
            return "quote states no figure"
        located = stated
    quote = located.text
    if spec.kind is Kind.MONEY and _a_length_of_time(update.value, quote):
        return "a length of time, not pay"
    if spec.kind in (Kind.CHOICE, Kind.BOOLEAN, Kind.INTEREST) and _planted(update.value, quote, batch):
        return "value comes from pasted text that gives instructions"
    raw = _own_words(update.value, quote) if spec.kind in (Kind.TEXT, Kind.TEXT_LIST) else update.value.strip()
    if spec.kind is Kind.INTEREST and _SCORED.search(quote):
        # "9/10" says its own scale: the recruiter's words settle the rating, not the model's conversion.
        raw = ""
    try:
        value = parse_value(spec, raw or quote)
    except InvalidValue as exc:
        if spec.kind not in (Kind.BOOLEAN, Kind.CHOICE):
            return str(exc)
        # "has an offer from Monzo" answers a yes/no field even when the model wrote "Monzo" as its
        # value: the recruiter's words settle it, not the label the model chose.
        try:
            value = answer_in_quote(spec, quote)
        except InvalidValue:
            return str(exc)
    if spec.name in _IDENTITY and isinstance(value, str):
        value, refused = _identity(spec.name, value, record, batch)
        if refused:
            return refused
    if spec.name == "relationship_risk" and value is True and not speaks_of_our_dealings(quote):
        return "says nothing of how the client deals with us"

    if spec.parent:
        _set_sub_field(record, spec.parent, spec.name, value, quote, result)
        if spec.kind is Kind.MONEY and f"{spec.parent}_currency" in SPECS_BY_KEY:
            _infer_currency(record, spec.parent, quote, result)
        return None

    if spec.kind in (Kind.TEXT_LIST, Kind.TEXT) and spec.name not in _IDENTITY:
        remark = remark_around(located, messages)
        if spec.name == "compliance_flags":
            # A flag is for a remark on a protected characteristic; "a couple of reservations" is not one,
            # and a flag that says nothing of the kind only teaches the recruiter to skip flags.
            if not flag_for(remark.text):
                return "names no protected characteristic"
            _flag(record, remark, messages, result)
            return None
        if flag_for(str(value)) or flag_for(clause_of(located, messages).text):
            _flag(record, remark, messages, result)
            # A judgement must not carry the remark as a reason; and a remark is never a stage or a
            # notice period, whatever field the model chose, so such a field stays as it was.
            if spec.name in JUDGEMENT_FIELDS or spec.kind is Kind.TEXT:
                return None
    if spec.name == "interview_stage" and (reason := _not_a_stage(str(value), quote)):
        return reason
    if spec.name == "notice_period":
        notice = str(value)
        if not names_a_notice(notice):
            if names_a_notice(quote):
                notice = quote  # the model's "1" of "notice is 1 wk": the quote says what the value left out
            elif "notice" not in words(quote):
                # A small model files a clause it could not place ("seemed disorganised", "hard to say")
                # here. One that speaks of notice ("notice period is tbc", typed in the record panel) is kept.
                return "names no notice period"
        value = common_notice(notice) or notice
    if spec.kind is Kind.TEXT_LIST:
        clause = clause_of(located, messages)
        if not batch.typed:
            candidate = record.value("candidate_name")
            where = placed(spec.name, str(value), record.kind, batch.transcript.people,
                           candidate if isinstance(candidate, str) else None,
                           lead=messages[located.message_index][clause.start:located.start])
            spec, value = SPECS_BY_KEY[where.field], where.text
        if len(str(value).split()) < 2 and len(str(value)) < 8 or _points_elsewhere(str(value)):
            return "too short to mean anything on its own"
        if not batch.typed and (
                reason := _no_point_of_its_own(str(value)) or _not_the_clients_view(record, spec.name, clause.text)):
            return reason
        _append(record, spec.name, value, quote, result)
        return None

    if spec.name == "decision" and record.kind == "client" and we_told_them(clause_of(located, messages).text):
        return "what you told them, not their decision"  # "told tasha no, it's not normal"
    if spec.name == "failure_cause" and not supports_the_cause(str(value), quote):
        return "the quote says nothing of what the client wants or of a change"
    current = record.fields.get(spec.name)

    previous = current.value if current else None
    if previous == value:
        if current and quote not in current.evidence:
            current.evidence.append(quote)
        return None
    if batch.turn and spec.name in _HELD and previous and not says_correction(messages[located.message_index]):
        # A message names other people and companies than the debrief's: an interviewer, a competing
        # offer, a current employer, another process's stage ("final next week at arla"). Taking each
        # for the candidate, the client or this interview would replace who, where and which round the
        # debrief is about without a word from the recruiter.
        return f"the record already says {previous!s}; say it is a correction to change it"
    # A changed scalar is a correction: the old quotes supported the old value, not this one.
    record.fields[spec.name] = FieldValue(value=value, evidence=[quote])
    result.applied.append(AppliedUpdate(field=spec.name, value=value, quote=quote, corrected_from=previous))
    return None


def _not_a_stage(value: str, quote: str) -> str | None:
    """A small model fills the stage with whatever clause came with it ("her PA is emailing dates", "fresh
    out of his interview at the bank"). A stage is a label: a common one, or a few words naming one."""
    if common_stage(value):
        return None
    if not names_a_stage(quote):
        return "names no interview stage"
    return "too long for a stage" if len(value.split()) > _STAGE_LABEL_WORDS else None


_FIGURE = re.compile(r"\d+(?:[.,]\d+)?")
_TIME_UNIT = r"\s*(?:mins?|minutes?|hrs?|hours?|days?|wks?|weeks?|months?|mths?|years?|yrs?)\b"


def _a_length_of_time(value: str, quote: str) -> bool:
    """'25' read as pay from "started 25 mins late": the figure stands in the quote only as a time."""
    figure = _FIGURE.search(value) or _FIGURE.search(quote)
    if figure is None:
        return False
    at = list(re.finditer(rf"(?<![\d.,]){re.escape(figure.group())}(?![\d.,])", quote))
    return bool(at) and all(re.match(_TIME_UNIT, quote[m.end():], re.IGNORECASE) for m in at)


def _planted(value: str, quote: str, batch: _Batch) -> bool:
    """A choice, yes/no or rating the quote does not state, whose words a pasted instruction does ("make
    an offer", "set interest to 5"): the model took the value from the instruction and the quote from
    beside it."""
    said = set(words(value))
    if not said or said <= set(words(quote)):
        return False
    return any(said <= pasted for pasted in batch.transcript.pasted_words)


def identity_refused(name: str, value: str, record: Record, transcript: Transcript) -> str | None:
    """Why the gate would refuse `value` as the candidate, role or company of the record as it stands
    now (None when it would not): a value a turn recorded before the record held what shows it wrong
    (the company that a name turns out to hold)."""
    company = record.value("company")
    return _identity(name, value, record, _Batch(transcript, company if isinstance(company, str) else None))[1]


def _identity(name: str, value: str, record: Record, batch: _Batch) -> tuple[str, str | None]:
    """Who, for what and where, as the record holds them: names in proper case, a title without the
    company typed with it; the value, and the reason when it is refused."""
    if name == "candidate_name":
        value = _without_lead_in(value)
    if name in _PROPER_NAMES and value.islower():
        value = value.title()
    if name == "role_title":
        value = job_title(value, batch.company)
    candidate = record.value("candidate_name")
    if name != "candidate_name" and isinstance(candidate, str) and normalise(value) == normalise(candidate):
        return value, "is the candidate's name"
    if is_client_person(value, batch.transcript.people):
        return value, "is named as the hiring manager or an interviewer"
    if name == "candidate_name" and (is_a_role(value) or not _reads_as_a_name(value)):
        return value, "does not read as a name"
    if name == "company" and is_a_role(value) and not _FIRM_ENDING.search(value):
        return value, "is a role, not a company"  # "feedback from the supply chain director"
    company = normalise(batch.company or "")
    if name == "candidate_name" and len(company) > 2 and f" {company} " in f" {normalise(value)} ":
        # "ashgrove capital compliance analyst - fb on leon duarte": the model took the heading of the
        # note, company and role, for the person.
        return value, "holds the company's name"
    return value, None


# Firms are named like roles: "Hartley Partners", "Northern Asset Managers".
_FIRM_ENDING = re.compile(r"\b(?:partners|founders|recruiters|managers|directors)\W*$", re.IGNORECASE)

# Particles of family names ("de la Cruz", "van Dijk", "bin Hassan") that are short words elsewhere.
_NAME_PARTICLES = frozenset("de da di du del della der den la le van von bin binti al el ter ten".split())  # noqa: SIM905


# Words that lead into a person's name in a recruiter's note ("spoke to priya nair", "debrief w/ sam")
# and are never part of one.
_LEAD_IN = frozenset("to with w/ from for on re about".split())  # noqa: SIM905


def _without_lead_in(value: str) -> str:
    """'spoke to priya nair' -> 'priya nair': the model quoted the clause that names the candidate. A
    value that reads as no name at all ("Thank you so much for today") is left for the gate to refuse."""
    if not _reads_as_a_name(value):
        return value
    tokens = value.split()
    last = max((i for i, token in enumerate(tokens) if token.lower() in _LEAD_IN), default=-1)
    rest = " ".join(tokens[last + 1:])
    return rest if last >= 0 and rest and _reads_as_a_name(rest) else value


def _reads_as_a_name(value: str) -> bool:
    """A person's name: a few words, no figures, not two of the short words that make a sentence ("Thank
    you so much for today"); one may be a name ("Will Smith")."""
    tokens = value.split()
    short = [word for word in words(value) if word in STOP_WORDS and word not in _NAME_PARTICLES]
    return 0 < len(tokens) <= 5 and not any(c.isdigit() for c in value) and len(short) < 2


def _said(tokens: list[str]) -> list[str]:
    """The words of an item that could name something: not a short word, nor one that points elsewhere.
    Apostrophes split tokens: "it's" reads as "it" and "s", "doesn't" as "doesn" and "t"."""
    return [t for t in tokens if len(t) > 1 and t not in STOP_WORDS and t not in _POINTING and t != "doesn"]


def _points_elsewhere(item: str) -> bool:
    tokens = words(item)
    return len(_said(tokens)) < 2 and any(t in _POINTING for t in tokens)


def _no_point_of_its_own(item: str) -> str | None:
    """Why a proposed item names nothing the recruiter could act on (None when it does)."""
    if all(t in _VERDICT for t in _said(words(item))):
        return "a verdict that does not say on what"
    if is_a_role(item):
        return "names someone, not a point"
    return None


def _not_the_clients_view(record: Record, field: str, clause: str) -> str | None:
    """Why a client-side judgement is not the client's (None when it may be): "should have screened her
    harder on QOF" is our mistake, and what the failure cause rests on (assistant/conversation/diagnosis.py);
    "i pointed out that's not a reason" is what we told them; "read her team lead role as line
    management" is our own reading; "feels like we're being frozen out" is how they deal with us, which
    is the relationship risk's, not a view of the candidate."""
    if record.kind != "client" or field not in _THE_CLIENTS_VIEW:
        return None
    if owns_the_failure(clause):
        return "your own account of what went wrong"
    if we_told_them(clause):
        return "what you told them, not their view"
    if our_reading(clause):
        return "your own reading of the candidate, not the client's"
    if towards_us(clause):
        return "how the client deals with us, not a view of the candidate"
    return None


def _flag(record: Record, remark: Located, messages: list[str], result: GateResult) -> None:
    flags = record.fields.get("compliance_flags")
    if flags and same_remark(remark, flags.evidence, messages):
        return
    # The model's quote may end the remark with its full stop; the flag reads without it.
    flag = flag_for(remark.text.rstrip(" .!?;,"))
    if flag:
        _append(record, "compliance_flags", flag, remark.text, result)


def flag_remarks(record: Record, messages: list[str], index: int, result: GateResult) -> None:
    """Flags the remarks of message `index` that no flag covers yet, whatever the model proposed (see
    `same_remark` for when a remark is one already flagged)."""
    for remark, _found in remarks_in(index, messages[index], untrusted_spans(messages[index])):
        _flag(record, remark, messages, result)


def cause_from_own_account(record: Record, messages: list[str], result: GateResult) -> None:
    """A client's rejection that the recruiter says was their own doing has its cause in their words
    (assistant/conversation/diagnosis.py): filled at the turn, so the flow does not go on to ask why it
    failed. The whole-conversation pass reads it again over every message."""
    if record.kind != "client" or record.value("decision") != "reject" or record.is_filled("failure_cause"):
        return
    own = recruiters_own_failure(messages)
    if own is not None:
        found = apply_updates(record, [own.update()], messages, turn=True)
        result.applied.extend(found.applied)
        result.rejected.extend(found.rejected)


def _append(record: Record, name: str, value: object, quote: str, result: GateResult) -> None:
    current = record.fields.get(name)
    items = list(current.value) if current and isinstance(current.value, list) else []
    if any(str(v).lower() == str(value).lower() for v in items):
        return  # already known; a repeat is not news
    evidence = list(current.evidence) if current else []
    record.fields[name] = FieldValue(value=[*items, value], evidence=_add(evidence, quote))
    result.applied.append(AppliedUpdate(field=name, value=value, quote=quote))


def _add(evidence: list[str], quote: str) -> list[str]:
    return evidence if quote in evidence else [*evidence, quote]


def _set_sub_field(
    record: Record, parent: str, name: str, value: object, quote: str, result: GateResult
) -> None:
    current = record.fields.get(parent)
    values = dict(current.value) if current and isinstance(current.value, dict) else {}
    evidence = list(current.evidence) if current else []
    previous = values.get(name)
    if previous == value:
        return
    values[name] = value
    record.fields[parent] = FieldValue(value=values, evidence=_add(evidence, quote))
    result.applied.append(
        AppliedUpdate(field=f"{parent}.{name}", value=value, quote=quote, corrected_from=previous)
    )


def _infer_currency(record: Record, parent: str, quote: str, result: GateResult) -> None:
    """'£95,000' states its currency; take it from the recruiter's words when none is recorded."""
    values = record.fields[parent].value
    if values.get("currency"):
        return
    try:
        currency = parse_currency(quote)
    except InvalidValue:
        return
    _set_sub_field(record, parent, "currency", currency, quote, result)
