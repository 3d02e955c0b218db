"""/candidates: a candidate's erasure request, for every debrief of the calling recruiter about them."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import ErasureDep, RecruiterDep
from api.models import ErasedOut, Problem, TypedText

router = APIRouter(prefix="/candidates", tags=["erasure"])

ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Missing or unknown API key"},
    422: {"model": Problem, "description": "No name given"},
}


@router.delete("", response_model=ErasedOut, responses=ERRORS)
def erase_candidate(
    recruiter: RecruiterDep, erasure: ErasureDep,
    name: Annotated[TypedText, Query(min_length=1, max_length=300, description="The candidate's full name")],
) -> ErasedOut:
    """Erase every debrief of yours about this candidate (matched on the record's candidate name, or by
    belonging to an interview under that name, ignoring case and spacing), their drafts and transcripts,
    and your interviews naming them; the audit log keeps each event without its details. Debriefs under a
    legal hold are kept and counted in `held`. Nothing matching: all counts 0."""
    return ErasedOut(**asdict(erasure.candidate(recruiter.id, name)))
