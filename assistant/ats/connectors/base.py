"""What every ATS connector does: post one approved note to a candidate's profile, or say why it could
not, and whether trying again later can help."""

from __future__ import annotations

from typing import Any, Protocol

import httpx


class ConnectorError(Exception):
    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class Connector(Protocol):
    name: str

    def post_note(self, client: httpx.Client, target: dict[str, Any], text: str) -> str:
        """Post `text` as a note on the profile `target` names (an ATS link's ids); returns the note's id
        in the ATS. Raises ConnectorError."""
        ...


def checked_response(ats: str, response: httpx.Response) -> Any:
    """The JSON of a successful answer, or ConnectorError: rate limits and server errors may pass, an
    authentication or validation error needs a person."""
    if response.is_success:
        try:
            return response.json()
        except ValueError as exc:
            raise ConnectorError(f"{ats} answered {response.status_code} without JSON", retryable=True) from exc
    hint = {401: "the API key was refused", 403: "the API key may not post notes",
            404: "no such candidate or application in the ATS", 429: "rate limited"}.get(response.status_code, "")
    detail = " ".join(response.text.split())[:200]
    retryable = response.status_code in (408, 409, 425, 429) or response.status_code >= 500
    raise ConnectorError(
        f"{ats} answered {response.status_code}{': ' + hint if hint else ''}{' (' + detail + ')' if detail else ''}",
        retryable=retryable,
    )


def sending(ats: str, client: httpx.Client, request: httpx.Request, auth: httpx.Auth) -> httpx.Response:
    try:
        return client.send(request, auth=auth)
    except httpx.HTTPError as exc:
        raise ConnectorError(f"{ats} could not be reached ({type(exc).__name__})", retryable=True) from exc
