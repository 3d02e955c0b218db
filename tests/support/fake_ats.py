"""Local stand-ins for the note APIs of Greenhouse Harvest, Lever and Ashby, as their public docs
describe them: each checks basic auth with the API key as the user name, records the request, and
answers with the vendor's shape (or with the status a test asks for)."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

KEY = "test-api-key"
_GREENHOUSE = re.compile(r"^/v1/candidates/([0-9]+)/activity_feed/notes$")
_LEVER = re.compile(r"^/v1/opportunities/([0-9a-f-]{36})/notes$")


@dataclass
class Request:
    system: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class FakeAts:
    url: str = ""
    requests: list[Request] = field(default_factory=list)
    # Statuses to answer with before answering normally, per system.
    fail: dict[str, list[int]] = field(default_factory=dict)
    ashby_refuses: bool = False


def _authorised(headers: dict[str, str]) -> bool:
    expected = "Basic " + base64.b64encode(f"{KEY}:".encode()).decode()
    return headers.get("authorization") == expected


@contextmanager
def fake_ats() -> Iterator[FakeAts]:
    fake = FakeAts()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            parts = urlsplit(self.path)
            headers = {k.lower(): v for k, v in self.headers.items()}
            raw = self.rfile.read(int(headers.get("content-length") or 0))
            body = json.loads(raw) if raw else None
            system = ("greenhouse" if _GREENHOUSE.match(parts.path) else "lever" if _LEVER.match(parts.path)
                      else "ashby" if parts.path == "/candidate.createNote" else "unknown")
            with lock:
                fake.requests.append(Request(system, parts.path, parse_qs(parts.query), headers, body))
                failing = fake.fail.get(system) or []
                status = failing.pop(0) if failing else None
            if system == "unknown":
                return self._answer(404, {"message": "not found"})
            if not _authorised(headers):
                return self._answer(401, {"message": "Invalid Basic Auth credentials"})
            if status is not None:
                return self._answer(status, {"message": "try later" if status >= 500 else "refused"})
            if system == "greenhouse":
                if not headers.get("on-behalf-of"):
                    return self._answer(403, {"message": "Missing On-Behalf-Of user ID"})
                return self._answer(201, {"id": 226809052, "created_at": "2026-11-29T12:00:00Z",
                                          "body": body["body"], "user": {"id": body["user_id"]},
                                          "private": False, "visibility": body["visibility"]})
            if system == "lever":
                return self._answer(201, {"data": {"noteId": "a1b2c3d4-0000-4000-8000-000000000001"}})
            if fake.ashby_refuses:
                return self._answer(200, {"success": False, "errors": ["candidate_not_found"]})
            return self._answer(200, {"success": True, "results": {"id": "f0e1d2c3-0000-4000-8000-000000000002",
                                                                   "content": body["note"]["value"]}})

        def _answer(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
