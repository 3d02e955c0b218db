"""Greenhouse Harvest: a note on the candidate's activity feed.

POST {base}/candidates/{candidate_id}/activity_feed/notes, basic auth with the API key as the user name,
the `On-Behalf-Of` header naming the Greenhouse user the note is posted as, and a JSON body of `user_id`,
`body` and `visibility`; 201 answers the note with its `id`.
"""

from __future__ import annotations

from typing import Any

import httpx

from assistant.ats.connectors.base import ConnectorError, checked_response, sending


class Greenhouse:
    name = "greenhouse"

    def __init__(self, api_key: str, on_behalf_of: str, base_url: str, visibility: str = "private") -> None:
        self._auth = httpx.BasicAuth(api_key, "")
        self._user = on_behalf_of
        self._base = base_url.rstrip("/")
        self._visibility = visibility

    def post_note(self, client: httpx.Client, target: dict[str, Any], text: str) -> str:
        if not self._user.isdigit():
            raise ConnectorError("DEBRIEF_ATS_GREENHOUSE_ON_BEHALF_OF must be a Greenhouse user id", retryable=False)
        request = client.build_request(
            "POST", f"{self._base}/candidates/{target['candidate_id']}/activity_feed/notes",
            headers={"On-Behalf-Of": self._user},
            json={"user_id": int(self._user), "body": text, "visibility": self._visibility},
        )
        answer = checked_response(self.name, sending(self.name, client, request, self._auth))
        return str(answer.get("id", ""))
