"""A Debrief process for the crash tests, configured by DEBRIEF_* variables; it does one step of the
hand-off, says so on stdout, then waits to be killed:

    approve <recruiter id> <debrief id> <draft id>   approve the draft (its webhook is then queued)
    claim                                            claim the due webhook deliveries, not send them
    send                                             deliver everything due (the test holds the receiver)
"""

from __future__ import annotations

import sys
import time

from assistant.access import Recruiter
from assistant.core import Settings
from assistant.service import Service
from assistant.storage import Store
from tests.support.fakes import ScriptedChatModel


def main(argv: list[str]) -> None:
    settings = Settings()
    if argv[0] == "approve":
        service = Service(settings, model=ScriptedChatModel(script=[]),
                          store=Store(settings.storage.resolved_database_url)).start()
        service.drafts.approve(Recruiter(argv[1], "crash"), argv[2], argv[3], "reviewed by hand before sending")
        print("approved", flush=True)
    elif argv[0] == "claim":
        service = Service(settings, model=ScriptedChatModel(script=[]),
                          store=Store(settings.storage.resolved_database_url))
        print(f"claimed {len(service.courier.webhooks.claim())}", flush=True)
    elif argv[0] == "send":
        service = Service(settings, model=ScriptedChatModel(script=[]),
                          store=Store(settings.storage.resolved_database_url))
        print("sending", flush=True)
        service.courier.deliver_once()
        print("sent", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main(sys.argv[1:])
