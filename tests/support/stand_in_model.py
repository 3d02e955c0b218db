"""A stand-in OpenAI-compatible chat endpoint on loopback, answering the extraction request with the
JSON updates as llama-server does (see tests/conversation/cassettes/): each message's first three words
become a `strengths` update. Used by the tests that run the API as its own process, and by bench/load.py."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A message containing this makes the stand-in hold its answer until `release` is set.
HOLD = "HOLD-THIS-ONE"


class StandInModel:
    """`delay_s`: how long every answer takes, like a real model's generation time."""

    def __init__(self, delay_s: float = 0.0) -> None:
        self.holding = threading.Event()  # a held request has arrived
        self.release = threading.Event()
        self.calls = 0
        self._count = threading.Lock()
        model = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server protocol
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with model._count:
                    model.calls += 1
                newest = request["messages"][-1]["content"].split("<message>")[-1].split("</message>")[0].strip()
                if HOLD in newest and not model.release.is_set():
                    model.holding.set()
                    model.release.wait(timeout=30)
                if delay_s:
                    time.sleep(delay_s)
                words = " ".join(newest.split()[:3])
                answer = json.dumps({"updates": [{"quote": words, "field": "strengths"}]})
                body = json.dumps({
                    "id": "chatcmpl-stand-in", "object": "chat.completion", "created": 0, "model": request["model"],
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {
                        "role": "assistant", "content": answer,
                    }}],
                    "usage": {"prompt_tokens": 900, "completion_tokens": 30, "total_tokens": 930},
                }).encode()
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass  # the API process that asked is gone

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
