"""The hand-off to the ATS: /webhooks (endpoints, deliveries, replay), ATS links on debriefs and
interviews, a debrief's ATS notes, and /exports/debriefs."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import StreamingResponse

from api.ats_models import AtsLinkIn, AtsLinkOut, AtsNoteOut, CreateEndpoint, DeliveryOut, EndpointOut
from api.deps import RecruiterDep, ServiceDep
from api.models import Problem
from assistant.ats import AtsLink, Endpoint, checked, export

router = APIRouter(tags=["ats"])

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be read (not UTF-8)"},
    401: {"model": Problem, "description": "Missing or unknown API key"},
    404: {"model": Problem, "description": "No such endpoint, delivery, debrief or interview for this recruiter"},
    422: {"model": Problem, "description": "Invalid request"},
}


def _endpoint(endpoint: Endpoint) -> EndpointOut:
    return EndpointOut(**asdict(endpoint))


def _link(link: AtsLink | None) -> AtsLinkOut | None:
    return AtsLinkOut(**link.to_json()) if link else None


@router.post("/webhooks", status_code=status.HTTP_201_CREATED, response_model=EndpointOut, responses=ERRORS)
def add_endpoint(body: CreateEndpoint, recruiter: RecruiterDep, service: ServiceDep) -> EndpointOut:
    """Add a webhook endpoint; the answer carries its signing secret. Events are signed the Standard
    Webhooks way (`webhook-id`, `webhook-timestamp`, `webhook-signature`: see docs/ats.md)."""
    return _endpoint(service.webhooks.add(recruiter.id, body.url, list(body.events or []) or None, body.description))


@router.get("/webhooks", response_model=list[EndpointOut], responses=ERRORS)
def list_endpoints(recruiter: RecruiterDep, service: ServiceDep) -> list[EndpointOut]:
    return [_endpoint(e) for e in service.webhooks.list(recruiter.id)]


@router.get("/webhooks/{endpoint_id}", response_model=EndpointOut, responses=ERRORS)
def get_endpoint(endpoint_id: str, recruiter: RecruiterDep, service: ServiceDep) -> EndpointOut:
    return _endpoint(service.webhooks.get(recruiter.id, endpoint_id, with_secret=True))


@router.delete("/webhooks/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def remove_endpoint(endpoint_id: str, recruiter: RecruiterDep, service: ServiceDep) -> Response:
    service.webhooks.remove(recruiter.id, endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/webhooks/{endpoint_id}/deliveries", response_model=list[DeliveryOut], responses=ERRORS)
def list_deliveries(
    endpoint_id: str, recruiter: RecruiterDep, service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryOut]:
    """The endpoint's delivery log, newest first: each event's state and every attempt's answer."""
    return [DeliveryOut(**asdict(d)) for d in service.webhooks.deliveries(recruiter.id, endpoint_id, limit)]


@router.post("/webhooks/{endpoint_id}/deliveries/{delivery_id}/replay", response_model=DeliveryOut,
             responses=ERRORS)
def replay_delivery(endpoint_id: str, delivery_id: str, recruiter: RecruiterDep, service: ServiceDep) -> DeliveryOut:
    """Send the delivery again now, with the same event id and body."""
    delivery = service.webhooks.replay(recruiter.id, endpoint_id, delivery_id)
    service.courier.wake()
    return DeliveryOut(**asdict(delivery))


@router.put("/debriefs/{debrief_id}/ats-link", response_model=AtsLinkOut, responses=ERRORS)
def set_debrief_link(debrief_id: str, body: AtsLinkIn, recruiter: RecruiterDep, service: ServiceDep) -> AtsLinkOut:
    """The debrief's candidate, application and job in the ATS; ids are checked against the ATS's id shape."""
    link = checked(body.ats, body.candidate_id, body.application_id, body.job_id)
    return AtsLinkOut(**service.links.set_debrief(recruiter.id, debrief_id, link).to_json())


@router.get("/debriefs/{debrief_id}/ats-link", response_model=AtsLinkOut | None, responses=ERRORS)
def get_debrief_link(debrief_id: str, recruiter: RecruiterDep, service: ServiceDep) -> AtsLinkOut | None:
    """The debrief's link, or its interview's; null when neither is linked."""
    return _link(service.links.of_debrief(recruiter.id, debrief_id))


@router.delete("/debriefs/{debrief_id}/ats-link", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def clear_debrief_link(debrief_id: str, recruiter: RecruiterDep, service: ServiceDep) -> Response:
    service.links.clear_debrief(recruiter.id, debrief_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.put("/interviews/{interview_id}/ats-link", response_model=AtsLinkOut, responses=ERRORS)
def set_interview_link(
    interview_id: str, body: AtsLinkIn, recruiter: RecruiterDep, service: ServiceDep
) -> AtsLinkOut:
    """The interview's candidate, application and job in the ATS; both its debriefs use it unless linked
    themselves."""
    link = checked(body.ats, body.candidate_id, body.application_id, body.job_id)
    return AtsLinkOut(**service.links.set_interview(recruiter.id, interview_id, link).to_json())


@router.get("/interviews/{interview_id}/ats-link", response_model=AtsLinkOut | None, responses=ERRORS)
def get_interview_link(interview_id: str, recruiter: RecruiterDep, service: ServiceDep) -> AtsLinkOut | None:
    return _link(service.links.of_interview(recruiter.id, interview_id))


@router.delete("/interviews/{interview_id}/ats-link", status_code=status.HTTP_204_NO_CONTENT, responses=ERRORS)
def clear_interview_link(interview_id: str, recruiter: RecruiterDep, service: ServiceDep) -> Response:
    service.links.clear_interview(recruiter.id, interview_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/debriefs/{debrief_id}/ats-notes", response_model=list[AtsNoteOut], responses=ERRORS)
def list_notes(debrief_id: str, recruiter: RecruiterDep, service: ServiceDep) -> list[AtsNoteOut]:
    """The approved drafts posted (or waiting to be posted) to the candidate's ATS profile."""
    return [AtsNoteOut(**asdict(n)) for n in service.courier.notes.statuses(recruiter.id, debrief_id)]


@router.post("/debriefs/{debrief_id}/ats-notes/{note_id}/retry", response_model=AtsNoteOut, responses=ERRORS)
def retry_note(debrief_id: str, note_id: str, recruiter: RecruiterDep, service: ServiceDep) -> AtsNoteOut:
    note = service.courier.notes.retry(recruiter.id, debrief_id, note_id)
    service.courier.wake()
    return AtsNoteOut(**asdict(note))


@router.get(
    "/exports/debriefs", responses={**ERRORS, 200: {"content": {"text/csv": {}, "application/x-ndjson": {}},
                                                    "description": "One row per debrief"}},
)
def export_debriefs(
    recruiter: RecruiterDep, service: ServiceDep,
    format: Annotated[Literal["csv", "jsonl"], Query(description="csv or jsonl")] = "jsonl",  # noqa: A002
) -> StreamingResponse:
    """Every debrief of yours, one row each, with every record field's value and its quotes."""
    media = "text/csv" if format == "csv" else "application/x-ndjson"
    return StreamingResponse(export(service.store, recruiter.id, format), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="debriefs.{format}"'})
