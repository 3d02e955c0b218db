"""How fast the outbox drains: N queued webhook events delivered to a receiver on loopback.

    .venv/bin/python bench/webhook_drain.py [--events 1000] [--senders 4]

A throwaway SQLite file (WAL, full sync: the settings Debrief runs with) holds N `draft.approved` events
for one endpoint, queued the way an approval queues them; one worker (`debrief deliver`'s, the same as the
API's background thread) then claims, signs, sends and records each one. The receiver is a small
threaded HTTP server in this process that checks nothing and answers 200. Prints the seconds to drain
and the rate, and checks each event arrived exactly once. Pin it to the cores a deployment gives it,
e.g. `taskset -c 0,1`.
"""
# ruff: noqa: E402 - the checkout goes on sys.path before its packages are imported

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.ats import Courier, Webhooks, record_event
from assistant.core import AtsSettings
from assistant.storage import Store

RECRUITER = "bench-recruiter"
TEXT = "Hi Sam,\n\nThank you for your time at the final round for the platform engineer role. " * 4


def receiver() -> tuple[ThreadingHTTPServer, list[str]]:
    seen: list[str] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            self.rfile.read(int(self.headers.get("content-length") or 0))
            with lock:
                seen.append(self.headers["webhook-id"])
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--senders", type=int, default=4)
    args = parser.parse_args()
    server, seen = receiver()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"sqlite:///{Path(folder) / 'bench.db'}")
        settings = AtsSettings(allow_private_urls=True, senders=args.senders, deliver_in_background=False)
        Webhooks(store, allow_private_urls=True).add(RECRUITER, f"http://127.0.0.1:{server.server_address[1]}/hook")
        started = time.perf_counter()
        for n in range(args.events):
            with store.session() as s:
                record_event(s, RECRUITER, "draft.approved", {"draft_id": f"draft-{n}", "text": TEXT})
        queued = time.perf_counter() - started
        started = time.perf_counter()
        attempted = Courier(store, settings, connectors={}).deliver_once().webhooks
        drained = time.perf_counter() - started
        store.engine.dispose()
    server.shutdown()
    exact = attempted == args.events and len(seen) == args.events == len(set(seen))
    print(f"queued {args.events} events in {queued:.1f} s (one transaction each)")
    print(f"drained {attempted} deliveries in {drained:.1f} s: {attempted / drained:.0f} per second, "
          f"{args.senders} senders; each event received exactly once: {'yes' if exact else 'NO'}")
    return 0 if exact else 1


if __name__ == "__main__":
    raise SystemExit(main())
