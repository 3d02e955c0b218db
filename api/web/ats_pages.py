"""The web app's hand-off to the ATS: a debrief's ATS link, set from its page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.models import TypedText
from api.web.debrief_pages import ServiceDep, debrief_url, problem_text
from api.web.render import redirect
from api.web.session import Acting
from assistant.ats import checked
from assistant.core import DebriefError

router = APIRouter(include_in_schema=False)


@router.post("/app/debriefs/{debrief_id}/ats-link")
def set_link(
    request: Request, debrief_id: str, recruiter: Acting, service: ServiceDep,
    ats: Annotated[TypedText, Form(max_length=20)] = "greenhouse",
    candidate_id: Annotated[TypedText, Form(max_length=100)] = "",
    application_id: Annotated[TypedText, Form(max_length=100)] = "",
    job_id: Annotated[TypedText, Form(max_length=100)] = "",
) -> Response:
    """An empty candidate id removes the link."""
    url = debrief_url(debrief_id) + "#ats"
    try:
        if not candidate_id.strip():
            service.links.clear_debrief(recruiter.id, debrief_id)
            return redirect(request, url, notice="The ATS link was removed.")
        link = checked(ats, candidate_id, application_id or None, job_id or None)
        service.links.set_debrief(recruiter.id, debrief_id, link)
    except DebriefError as exc:
        return redirect(request, url, error=problem_text(exc))
    return redirect(request, url, notice="Linked: approved drafts will be posted to this candidate in your ATS.")
