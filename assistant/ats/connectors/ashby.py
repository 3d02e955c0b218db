"""Ashby: a note on the candidate, through its RPC-style API.

POST {base}/candidate.createNote, basic auth with the API key as the user name, a JSON body of
`candidateId`, `note` (plain text) and `sendNotifications`. Ashby answers 200 even when it refuses, with
`success: false` and `errors`; on success `results.id` is the note's id.
"""

from __future__ import annotations

from typing import Any

import httpx

from assistant.ats.connectors.base import ConnectorError, checked_response, sending


class Ashby:
    name = "ashby"

    def __init__(self, api_key: str, base_url: str) -> None:
        self._auth = httpx.BasicAuth(api_key, "")
        self._base = base_url.rstrip("/")

    def post_note(self, client: httpx.Client, target: dict[str, Any], text: str) -> str:
        request = client.build_request(
            "POST", f"{self._base}/candidate.createNote",
            json={"candidateId": target["candidate_id"], "note": {"type": "text/plain", "value": text},
                  "sendNotifications": False},
        )
        answer = checked_response(self.name, sending(self.name, client, request, self._auth))
        if not answer.get("success"):
            errors = "; ".join(str(e) for e in answer.get("errors") or [])[:200] or "no reason given"
            raise ConnectorError(f"ashby refused the note: {errors}", retryable=False)
        return str((answer.get("results") or {}).get("id", ""))
