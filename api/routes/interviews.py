"""/interviews: the two debriefs of one meeting, listed together and reconciled."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from api.deps import InterviewsDep, RecruiterDep
from api.models import (
    AttachDebrief,
    CreateInterview,
    DriftOut,
    InterviewOut,
    Problem,
    ReconciliationOut,
    SideStatusOut,
    TypedText,
)
from assistant.conversation import Interview, SideStatus

router = APIRouter(prefix="/interviews", tags=["interviews"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read (not UTF-8)"},
    401: {"model": Problem, "description": "Missing or unknown API key"},
    404: {"model": Problem, "description": "No such interview (or debrief) for this recruiter"},
    422: {"model": Problem, "description": "Bad input, or that side of the interview already has a debrief"},
}


def _side(status: SideStatus) -> SideStatusOut:
    return SideStatusOut(
        present=status.present, debrief_id=status.debrief_id, completeness=status.completeness,
        decision=status.decision, candidate_interest=status.candidate_interest,
    )


def _out(interview: Interview) -> InterviewOut:
    return InterviewOut(
        id=interview.id, candidate_name=interview.candidate_name, role_title=interview.role_title,
        company=interview.company, stage=interview.stage, date=interview.held_on, created_at=interview.created_at,
        candidate=_side(interview.sides["candidate"]), client=_side(interview.sides["client"]),
    )


@router.post("", status_code=status.HTTP_201_CREATED, response_model=InterviewOut, responses=ERRORS)
def create_interview(body: CreateInterview, recruiter: RecruiterDep, interviews: InterviewsDep) -> InterviewOut:
    return _out(interviews.create(
        recruiter.id, body.candidate_name, body.role_title, body.company, body.stage, body.date
    ))


@router.get("", response_model=list[InterviewOut], responses=ERRORS)
def list_interviews(recruiter: RecruiterDep, interviews: InterviewsDep) -> list[InterviewOut]:
    """Your interviews, latest first, each with both sides' debrief status."""
    return [_out(interview) for interview in interviews.list(recruiter.id)]


@router.get("/drift", response_model=list[DriftOut], responses=ERRORS)
def requirement_drift(
    company: Annotated[TypedText, Query(max_length=300)], role_title: Annotated[TypedText, Query(max_length=300)],
    recruiter: RecruiterDep, interviews: InterviewsDep,
) -> list[DriftOut]:
    """The requirement changes recorded across this role's interviews, oldest first: how the brief moved."""
    return [DriftOut(**asdict(entry)) for entry in interviews.drift(recruiter.id, company, role_title)]


@router.get("/{interview_id}", response_model=InterviewOut, responses=ERRORS)
def get_interview(interview_id: str, recruiter: RecruiterDep, interviews: InterviewsDep) -> InterviewOut:
    return _out(interviews.get(recruiter.id, interview_id))


@router.post("/{interview_id}/debriefs", response_model=InterviewOut, responses=ERRORS)
def attach_debrief(
    interview_id: str, body: AttachDebrief, recruiter: RecruiterDep, interviews: InterviewsDep
) -> InterviewOut:
    """Put a debrief opened earlier into the interview, on its own side."""
    return _out(interviews.attach(recruiter.id, interview_id, body.debrief_id))


@router.get("/{interview_id}/reconciliation", response_model=ReconciliationOut, responses=ERRORS)
def get_reconciliation(interview_id: str, recruiter: RecruiterDep, interviews: InterviewsDep) -> ReconciliationOut:
    """Where the candidate's account and the client's disagree, field by field, with both sides' quotes."""
    found = interviews.reconciliation(recruiter.id, interview_id)
    return ReconciliationOut(
        interview_id=interview_id, missing_side=found.missing_side, mismatches=found.mismatches,
        by_field={name: [m.kind.value for m in entries] for name, entries in found.by_field().items()},
    )
