"""Interviews: the candidate's and the client's debriefs of one meeting, kept together and compared.

An interview belongs to one recruiter and holds at most one debrief per side. Like debriefs, someone
else's interview is reported exactly like one that does not exist.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from assistant.conversation.debriefs import Debrief, Debriefs
from assistant.core import SIDES, InvalidInput, Record, Side
from assistant.interviews import DriftEntry, Reconciliation, drift, reconcile
from assistant.storage import (
    InterviewDebriefRow,
    InterviewRow,
    Store,
    as_utc,
    owned_debrief,
    owned_interview,
)


@dataclass
class SideStatus:
    """One side of an interview as a list shows it: is there a debrief yet, how far it got, what it says."""

    side: Side
    debrief_id: str | None = None
    completeness: float | None = None
    # The client's decision (client side) or the candidate's interest 1-5 (candidate side), when recorded.
    decision: str | None = None
    candidate_interest: int | None = None

    @property
    def present(self) -> bool:
        return self.debrief_id is not None


@dataclass
class Interview:
    id: str
    candidate_name: str
    role_title: str | None
    company: str | None
    stage: str | None
    held_on: date | None
    created_at: datetime
    sides: dict[Side, SideStatus] = field(default_factory=dict)


_TEXT_LIMITS = {"candidate_name": 300, "role_title": 300, "company": 300, "stage": 100}


class Interviews:
    def __init__(self, store: Store, debriefs: Debriefs) -> None:
        self._store = store
        self._debriefs = debriefs

    def create(
        self, recruiter_id: str, candidate_name: str, role_title: str | None = None, company: str | None = None,
        stage: str | None = None, held_on: date | None = None,
    ) -> Interview:
        texts = _cleaned(
            {"candidate_name": candidate_name, "role_title": role_title, "company": company, "stage": stage}
        )
        if not texts.get("candidate_name"):
            raise InvalidInput("an interview needs the candidate's name")
        with self._store.session() as s:
            row = InterviewRow(recruiter_id=recruiter_id, held_on=held_on, **texts)
            s.add(row)
            s.flush()
            return _to_interview(row)

    def get(self, recruiter_id: str, interview_id: str) -> Interview:
        with self._store.session() as s:
            return _to_interview(owned_interview(s, recruiter_id, interview_id))

    def list(self, recruiter_id: str) -> builtins.list[Interview]:
        """The recruiter's interviews, latest meeting first (undated ones by when they were added)."""
        with self._store.session() as s:
            rows = s.scalars(
                select(InterviewRow).where(InterviewRow.recruiter_id == recruiter_id)
                # Both sides' records in two more queries, not two per interview.
                .options(selectinload(InterviewRow.debriefs).selectinload(InterviewDebriefRow.debrief))
            ).all()
            interviews = [_to_interview(row) for row in rows]
        return sorted(interviews, key=lambda i: (i.held_on or i.created_at.date(), i.created_at), reverse=True)

    def attach(self, recruiter_id: str, interview_id: str, debrief_id: str) -> Interview:
        """Put an existing debrief into the interview, on the side it debriefs."""
        try:
            with self._store.session() as s:
                interview = owned_interview(s, recruiter_id, interview_id)
                debrief = owned_debrief(s, recruiter_id, debrief_id)
                held = s.scalar(select(InterviewDebriefRow).where(InterviewDebriefRow.debrief_id == debrief_id))
                if held is not None:
                    if held.interview_id == interview_id:
                        return _to_interview(interview)
                    raise InvalidInput(f"debrief {debrief_id} already belongs to another interview")
                _check_side_free(interview, debrief.kind)
                interview.debriefs.append(InterviewDebriefRow(side=debrief.kind, debrief_id=debrief_id))
                s.flush()
                return _to_interview(interview)
        except IntegrityError as exc:
            # Another request attached a debrief to the same side between our check and our write.
            raise InvalidInput("this interview already has a debrief for that side") from exc

    def open_debrief(
        self, recruiter_id: str, interview_id: str, kind: str, prefill: dict[str, str | None] | None = None
    ) -> Debrief:
        """Open a debrief inside the interview; the interview's candidate, role and company fill what the
        form left empty."""
        interview = self.get(recruiter_id, interview_id)
        if kind in SIDES and interview.sides[kind].present:  # type: ignore[index]
            raise InvalidInput(f"this interview already has a {kind} debrief")
        known = {"candidate_name": interview.candidate_name, "role_title": interview.role_title,
                 "company": interview.company}
        given = prefill or {}
        merged = {**known, **{k: v for k, v in given.items() if v is not None and str(v).strip()}}
        debrief = self._debriefs.open(recruiter_id, kind, merged)
        try:
            self.attach(recruiter_id, interview_id, debrief.id)
        except InvalidInput:
            # Lost a race for the same side: leave no stray debrief behind.
            self._debriefs.delete(recruiter_id, debrief.id)
            raise
        return debrief

    def records(self, recruiter_id: str, interview_id: str) -> dict[Side, Record | None]:
        with self._store.session() as s:
            interview = owned_interview(s, recruiter_id, interview_id)
            found: dict[Side, Record | None] = {side: None for side in SIDES}
            for link in interview.debriefs:
                found[link.side] = Record.model_validate(link.debrief.record)  # type: ignore[index]
            return found

    def drift(self, recruiter_id: str, company: str, role_title: str) -> builtins.list[DriftEntry]:
        with self._store.session() as s:
            return drift(s, recruiter_id, company, role_title)

    def reconciliation(self, recruiter_id: str, interview_id: str) -> Reconciliation:
        interview = self.get(recruiter_id, interview_id)
        records = self.records(recruiter_id, interview_id)
        return reconcile(records["candidate"], records["client"], interview.held_on)


def _cleaned(texts: dict[str, str | None]) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    for name, value in texts.items():
        text = " ".join(str(value).split()) if value is not None else ""
        if len(text) > _TEXT_LIMITS[name]:
            raise InvalidInput(f"{name} is longer than {_TEXT_LIMITS[name]} characters")
        cleaned[name] = text or None
    return cleaned


def _check_side_free(interview: InterviewRow, side: str) -> None:
    if any(link.side == side for link in interview.debriefs):
        raise InvalidInput(f"this interview already has a {side} debrief")


def _to_interview(row: InterviewRow) -> Interview:
    sides: dict[Side, SideStatus] = {side: SideStatus(side) for side in SIDES}
    for link in row.debriefs:
        record = Record.model_validate(link.debrief.record)
        interest = record.value("candidate_interest")
        decision = record.value("decision")
        sides[record.kind] = SideStatus(
            side=record.kind, debrief_id=link.debrief_id, completeness=record.completeness,
            decision=decision if isinstance(decision, str) else None,
            candidate_interest=interest if isinstance(interest, int) else None,
        )
    return Interview(
        id=row.id, candidate_name=row.candidate_name, role_title=row.role_title, company=row.company,
        stage=row.stage, held_on=row.held_on, created_at=as_utc(row.created_at), sides=sides,
    )
