"""A debrief's or an interview's ids in the recruiter's applicant tracking system, checked against the
shape each ATS gives its ids: Greenhouse numbers, Lever and Ashby UUIDs."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.core import InvalidInput
from assistant.storage import AtsLinkRow, InterviewDebriefRow, Store, owned_debrief, owned_interview

Ats = Literal["greenhouse", "lever", "ashby"]
SYSTEMS: tuple[str, ...] = get_args(Ats)
_GREENHOUSE_ID = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class AtsLink:
    ats: Ats
    candidate_id: str
    application_id: str | None = None
    job_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def checked(ats: str, candidate_id: str, application_id: str | None = None, job_id: str | None = None) -> AtsLink:
    """The link, or InvalidInput naming the id that is not the shape this ATS gives its ids."""
    if ats not in SYSTEMS:
        raise InvalidInput(f"ats must be one of {', '.join(SYSTEMS)}, not {ats!r}")
    ids = {"candidate_id": candidate_id, "application_id": application_id, "job_id": job_id}
    cleaned = {name: (value or "").strip() or None for name, value in ids.items()}
    if cleaned["candidate_id"] is None:
        raise InvalidInput("an ATS link needs the candidate's id")
    for name, value in cleaned.items():
        if value is not None and not _valid(ats, value):
            shape = "a number" if ats == "greenhouse" else "a UUID"
            raise InvalidInput(f"{name} {value!r} is not a {ats} id ({shape})")
    return AtsLink(ats, cleaned["candidate_id"] or "", cleaned["application_id"], cleaned["job_id"])  # type: ignore[arg-type]


def _valid(ats: str, value: str) -> bool:
    if ats == "greenhouse":
        return bool(_GREENHOUSE_ID.fullmatch(value))
    try:
        return str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def to_link(row: AtsLinkRow) -> AtsLink:
    return AtsLink(row.ats, row.candidate_id, row.application_id, row.job_id)  # type: ignore[arg-type]


def link_of_debrief(session: Session, debrief_id: str) -> AtsLink | None:
    """The debrief's own link, or else its interview's."""
    row = session.scalar(select(AtsLinkRow).where(AtsLinkRow.debrief_id == debrief_id))
    if row is None:
        interview_id = session.scalar(
            select(InterviewDebriefRow.interview_id).where(InterviewDebriefRow.debrief_id == debrief_id))
        return link_of_interview(session, interview_id) if interview_id else None
    return to_link(row)


def link_of_interview(session: Session, interview_id: str) -> AtsLink | None:
    row = session.scalar(select(AtsLinkRow).where(AtsLinkRow.interview_id == interview_id))
    return to_link(row) if row else None


class Links:
    """Setting, reading and removing links; only on the recruiter's own debriefs and interviews."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def set_debrief(self, recruiter_id: str, debrief_id: str, link: AtsLink) -> AtsLink:
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            row = s.scalar(select(AtsLinkRow).where(AtsLinkRow.debrief_id == debrief_id))
            _save(s, row, link, recruiter_id, debrief_id=debrief_id)
        return link

    def set_interview(self, recruiter_id: str, interview_id: str, link: AtsLink) -> AtsLink:
        with self._store.session() as s:
            owned_interview(s, recruiter_id, interview_id)
            row = s.scalar(select(AtsLinkRow).where(AtsLinkRow.interview_id == interview_id))
            _save(s, row, link, recruiter_id, interview_id=interview_id)
        return link

    def of_debrief(self, recruiter_id: str, debrief_id: str) -> AtsLink | None:
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            return link_of_debrief(s, debrief_id)

    def of_interview(self, recruiter_id: str, interview_id: str) -> AtsLink | None:
        with self._store.session() as s:
            owned_interview(s, recruiter_id, interview_id)
            return link_of_interview(s, interview_id)

    def clear_debrief(self, recruiter_id: str, debrief_id: str) -> None:
        with self._store.session() as s:
            owned_debrief(s, recruiter_id, debrief_id)
            for row in s.scalars(select(AtsLinkRow).where(AtsLinkRow.debrief_id == debrief_id)):
                s.delete(row)

    def clear_interview(self, recruiter_id: str, interview_id: str) -> None:
        with self._store.session() as s:
            owned_interview(s, recruiter_id, interview_id)
            for row in s.scalars(select(AtsLinkRow).where(AtsLinkRow.interview_id == interview_id)):
                s.delete(row)


def _save(session: Session, row: AtsLinkRow | None, link: AtsLink, recruiter_id: str, **owner: str) -> None:
    if row is None:
        row = AtsLinkRow(recruiter_id=recruiter_id, **owner)
        session.add(row)
    row.ats, row.candidate_id = link.ats, link.candidate_id
    row.application_id, row.job_id = link.application_id, link.job_id
    row.updated_at = datetime.now(UTC)
