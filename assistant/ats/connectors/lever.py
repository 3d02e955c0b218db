"""Lever: a note on the opportunity (Lever's candidate-in-a-pipeline).

POST {base}/opportunities/{opportunity_id}/notes, basic auth with the API key as the user name, an
optional `perform_as` query parameter naming the Lever user, and a JSON body whose `value` is the note;
the answer's `data.noteId` is the note's id. The link's application id is the opportunity; without one,
the candidate id (Lever gives a candidate's first opportunity the candidate's id).
"""

from __future__ import annotations

from typing import Any

import httpx

from assistant.ats.connectors.base import checked_response, sending


class Lever:
    name = "lever"

    def __init__(self, api_key: str, base_url: str, perform_as: str | None = None) -> None:
        self._auth = httpx.BasicAuth(api_key, "")
        self._base = base_url.rstrip("/")
        self._perform_as = perform_as

    def post_note(self, client: httpx.Client, target: dict[str, Any], text: str) -> str:
        opportunity = target.get("application_id") or target["candidate_id"]
        request = client.build_request(
            "POST", f"{self._base}/opportunities/{opportunity}/notes",
            params={"perform_as": self._perform_as} if self._perform_as else None,
            json={"value": text},
        )
        answer = checked_response(self.name, sending(self.name, client, request, self._auth))
        return str((answer.get("data") or {}).get("noteId", ""))
