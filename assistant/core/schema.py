"""The debrief record: field names are a public contract (API, CLI output, evals)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

Side = Literal["candidate", "client"]
SIDES: tuple[Side, ...] = ("candidate", "client")


class Kind(StrEnum):
    TEXT = "text"
    TEXT_LIST = "text_list"
    INTEREST = "interest"  # int 1-5
    BOOLEAN = "boolean"
    CHOICE = "choice"
    MONEY = "money"  # an annual amount, stored as a whole number
    CURRENCY = "currency"  # ISO 4217 code


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: Kind
    sides: tuple[Side, ...]
    description: str
    choices: tuple[str, ...] = ()
    # Sub-fields such as compensation.expected live inside a parent object in the record.
    parent: str | None = None
    # False: filled only by the whole-conversation pass (assistant/rereading.py). The per-turn prompt
    # and tool stay as short as they were, which is what keeps a turn fast on a CPU.
    per_turn: bool = True

    @property
    def key(self) -> str:
        """The name the model writes: parent_child for sub-fields, so the tool schema stays flat."""
        return f"{self.parent}_{self.name}" if self.parent else self.name


BOTH: tuple[Side, ...] = SIDES
CAND: tuple[Side, ...] = ("candidate",)
CLIENT: tuple[Side, ...] = ("client",)

FIELD_SPECS: tuple[FieldSpec, ...] = (
    FieldSpec("candidate_name", Kind.TEXT, BOTH, "the candidate's name"),
    FieldSpec("role_title", Kind.TEXT, BOTH, "the job title interviewed for"),
    FieldSpec("company", Kind.TEXT, BOTH, "the hiring company (the client)"),
    FieldSpec("interview_stage", Kind.TEXT, BOTH, "which interview this was, e.g. first round, technical, final"),
    FieldSpec("strengths", Kind.TEXT_LIST, BOTH, "what went well or impressed, one short phrase per item"),
    FieldSpec("concerns", Kind.TEXT_LIST, BOTH, "doubts or worries raised about the candidate or the move"),
    FieldSpec(
        "requirement_changes", Kind.TEXT_LIST, BOTH,
        "what the interview revealed about the role that differs from the job spec or brief",
    ),
    FieldSpec("next_steps", Kind.TEXT_LIST, BOTH, "agreed or expected next actions, with timing if given"),
    FieldSpec(
        "compliance_flags", Kind.TEXT_LIST, BOTH,
        "any remark or reason touching a protected characteristic (age, pregnancy or family plans, race, "
        "religion, disability, nationality or accent, sex, sexual orientation, marital status): name the "
        "characteristic and the remark",
    ),
    FieldSpec(
        "candidate_interest", Kind.INTEREST, CAND, "the candidate's interest in the role, 1 (none) to 5 (very keen)"
    ),
    FieldSpec("weak_areas", Kind.TEXT_LIST, CAND, "questions or topics the candidate struggled with"),
    FieldSpec(
        "red_flags", Kind.TEXT_LIST, CAND, "warning signs: wavering motivation, counter-offer risk, inconsistencies"
    ),
    FieldSpec("current", Kind.MONEY, CAND, "current annual pay", parent="compensation"),
    FieldSpec("expected", Kind.MONEY, CAND, "expected annual pay", parent="compensation"),
    FieldSpec("budget_max", Kind.MONEY, CAND, "the most the client's budget allows", parent="compensation"),
    FieldSpec("currency", Kind.CURRENCY, CAND, "currency of the pay figures, ISO code like GBP", parent="compensation"),
    FieldSpec("competing_offers", Kind.BOOLEAN, CAND, "whether the candidate holds or expects other offers"),
    # An offer is more than yes or no: who made it, for how much, and by when he must answer.
    FieldSpec("company", Kind.TEXT, CAND, "the company making a competing offer", parent="competing_offer",
              per_turn=False),
    FieldSpec("figure", Kind.MONEY, CAND, "the competing offer's annual pay", parent="competing_offer",
              per_turn=False),
    FieldSpec("deadline", Kind.TEXT, CAND, "when the competing offer must be answered", parent="competing_offer",
              per_turn=False),
    FieldSpec("notice_period", Kind.TEXT, CAND, "the candidate's notice period, e.g. 1 month"),
    FieldSpec(
        "hiring_manager_priorities", Kind.TEXT_LIST, CAND,
        "what the hiring manager's questions showed matters most to them",
    ),
    FieldSpec("process_feedback", Kind.TEXT_LIST, CAND, "the candidate's feedback on the interview process itself"),
    FieldSpec(
        "decision", Kind.CHOICE, CLIENT, "the client's decision",
        choices=("advance", "hold", "reject", "offer", "undecided"),
    ),
    FieldSpec(
        "failure_cause", Kind.CHOICE, CLIENT, "why the interview failed, when it did",
        choices=("candidate_performance", "recruiter_misjudged_fit", "brief_not_qualified",
                 "client_changed_requirements"),
    ),
    FieldSpec(
        "relationship_risk", Kind.BOOLEAN, CLIENT,
        "true when the client is unresponsive or losing confidence in us",
    ),
    FieldSpec("interview_conduct", Kind.TEXT_LIST, CLIENT, "how the interviewer ran the interview"),
)

SPECS_BY_KEY: dict[str, FieldSpec] = {spec.key: spec for spec in FIELD_SPECS}


def specs_for(side: Side) -> tuple[FieldSpec, ...]:
    return tuple(spec for spec in FIELD_SPECS if side in spec.sides)


def turn_specs(side: Side) -> tuple[FieldSpec, ...]:
    """The fields a single turn's extraction is asked for."""
    return tuple(spec for spec in specs_for(side) if spec.per_turn)


def record_field_names(side: Side) -> tuple[str, ...]:
    """Top-level record field names for one side (sub-fields collapse into their parent)."""
    names: list[str] = []
    for spec in specs_for(side):
        name = spec.parent or spec.name
        if name not in names:
            names.append(name)
    return tuple(names)


class FieldValue(BaseModel):
    value: Any
    evidence: list[str] = Field(default_factory=list)
    # "chat": extracted from the recruiter's messages turn by turn; "form": typed in (when the debrief
    # was opened, or corrected in the record panel); "conversation": filled by the whole-conversation
    # pass (assistant/rereading.py) from what the turns had missed.
    source: Literal["chat", "form", "conversation"] = "chat"


class Record(BaseModel):
    """What the debrief has established so far; every value carries the quotes it rests on."""

    kind: Side
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    completeness: float = 0.0
    still_needed: list[str] = Field(default_factory=list)

    def value(self, name: str) -> Any:
        field = self.fields.get(name)
        return None if field is None else field.value

    def is_filled(self, name: str) -> bool:
        value = self.value(name)
        return value is not None and value != [] and value != {}


class ProposedUpdate(BaseModel):
    """One item as the model writes it, before parsing and the evidence gate."""

    field: str
    value: str
    quote: str


class Rejection(BaseModel):
    field: str
    value: str
    reason: str


class AppliedUpdate(BaseModel):
    field: str
    value: Any
    quote: str
    corrected_from: Any = None
