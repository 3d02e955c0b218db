"""What routes receive: the running service and the authenticated recruiter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.access import AccessDenied, Recruiter, Replays
from assistant.conversation import Debriefs, Interviews
from assistant.drafting import Drafts
from assistant.playbook import Playbook
from assistant.service import Service
from assistant.storage import Erasure

_bearer = HTTPBearer(auto_error=False, description="A recruiter API key")


def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


def get_debriefs(service: Annotated[Service, Depends(get_service)]) -> Debriefs:
    return service.debriefs


def get_interviews(service: Annotated[Service, Depends(get_service)]) -> Interviews:
    return service.interviews
def get_replays(service: Annotated[Service, Depends(get_service)]) -> Replays:
    return service.replays


def get_playbook(service: Annotated[Service, Depends(get_service)]) -> Playbook:
    return service.playbook


def current_recruiter(
    request: Request,
    service: Annotated[Service, Depends(get_service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Recruiter:
    try:
        recruiter = service.keys.authenticate(credentials.credentials if credentials else None)
    except AccessDenied:
        # Refused requests count against the caller's address, so guessing keys is limited too.
        service.quota.take(f"address:{request.client.host if request.client else 'unknown'}")
        raise
    service.quota.take(f"recruiter:{recruiter.id}")
    return recruiter


RecruiterDep = Annotated[Recruiter, Depends(current_recruiter)]
DebriefsDep = Annotated[Debriefs, Depends(get_debriefs)]
InterviewsDep = Annotated[Interviews, Depends(get_interviews)]
PlaybookDep = Annotated[Playbook, Depends(get_playbook)]


def get_drafts(service: Annotated[Service, Depends(get_service)]) -> Drafts:
    return service.drafts


DraftsDep = Annotated[Drafts, Depends(get_drafts)]
ReplaysDep = Annotated[Replays, Depends(get_replays)]


def get_erasure(service: Annotated[Service, Depends(get_service)]) -> Erasure:
    return service.erasure


ErasureDep = Annotated[Erasure, Depends(get_erasure)]
ServiceDep = Annotated[Service, Depends(get_service)]
