"""A real OpenAI-protocol endpoint on 127.0.0.1 that misbehaves on cue: errors, rate limits, hangs."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Answer:
    """What the endpoint does with one request: `status` with `headers`, or hang for `hang_s` (after
    sending the first stream chunk when `stream_first`), or answer with record updates."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    hang_s: float = 0.0
    stream_first: bool = False
    updates: list[dict[str, str]] = field(default_factory=list)


def completion(updates: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": json.dumps({"updates": updates})}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def chunk(content: str, first: bool) -> bytes:
    delta: dict[str, Any] = {"content": content}
    if first:
        delta["role"] = "assistant"
    body = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
    return f"data: {json.dumps(body)}\n\n".encode()


class FaultyEndpoint:
    """Answers each request with the next scripted Answer (the last one repeats); records when each
    request arrived and what it carried."""

    def __init__(self, answers: list[Answer]) -> None:
        self.answers = answers
        self.arrivals: list[float] = []
        self.bodies: list[dict[str, Any]] = []
        self.release = threading.Event()  # ends every hang early, so the test does not wait at exit
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                index = len(endpoint.arrivals)
                endpoint.arrivals.append(time.monotonic())
                endpoint.bodies.append(body)
                answer = endpoint.answers[min(index, len(endpoint.answers) - 1)]
                # The client may give up mid-answer, which is what a hang test expects.
                with suppress(BrokenPipeError, ConnectionResetError):
                    self._answer(answer, bool(body.get("stream")))

            def _answer(self, answer: Answer, stream: bool) -> None:
                if answer.hang_s and not answer.stream_first:
                    endpoint.release.wait(answer.hang_s)
                    return
                if answer.status != 200:
                    payload = json.dumps({"error": {"message": f"injected {answer.status}"}}).encode()
                    self.send_response(answer.status)
                    for name, value in {"Content-Type": "application/json", **answer.headers}.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if stream:
                    self.send_response(200)
                    self.send_header("Content-Type", "text/event-stream")
                    self.end_headers()
                    content = json.dumps({"updates": answer.updates})
                    self.wfile.write(chunk(content[:5], first=True))
                    self.wfile.flush()
                    if answer.hang_s:
                        endpoint.release.wait(answer.hang_s)
                        return
                    self.wfile.write(chunk(content[5:], first=False) + b"data: [DONE]\n\n")
                    return
                payload = json.dumps(completion(answer.updates)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def requests(self) -> int:
        return len(self.arrivals)

    def gaps(self) -> list[float]:
        return [later - earlier for earlier, later in zip(self.arrivals, self.arrivals[1:], strict=False)]

    @contextmanager
    def running(self) -> Iterator[FaultyEndpoint]:
        thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.release.set()
            self._server.shutdown()
            self._server.server_close()
