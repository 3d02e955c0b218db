"""What routes receive: the running service and the authenticated recruiter."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.access import Recruiter
from assistant.debriefs import Debriefs
from assistant.idempotency import Replays
from assistant.playbook import Playbook
from assistant.service import Service

_bearer = HTTPBearer(auto_error=False, description="A recruiter API key")


def get_service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


def get_debriefs(service: Annotated[Service, Depends(get_service)]) -> Debriefs:
    return service.debriefs


def get_replays(service: Annotated[Service, Depends(get_service)]) -> Replays:
    return service.replays


def get_playbook(service: Annotated[Service, Depends(get_service)]) -> Playbook:
    return service.playbook


def current_recruiter(
    service: Annotated[Service, Depends(get_service)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Recruiter:
    return service.keys.authenticate(credentials.credentials if credentials else None)


RecruiterDep = Annotated[Recruiter, Depends(current_recruiter)]
DebriefsDep = Annotated[Debriefs, Depends(get_debriefs)]
PlaybookDep = Annotated[Playbook, Depends(get_playbook)]
ReplaysDep = Annotated[Replays, Depends(get_replays)]
