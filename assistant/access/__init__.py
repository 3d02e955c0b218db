"""Who may call: recruiter keys, request quotas, and replays of requests sent twice."""

from __future__ import annotations

from assistant.access.idempotency import Answer, Claim, Replays, request_fingerprint
from assistant.access.keys import AccessDenied, Keys, Recruiter, hash_key, new_key
from assistant.access.quota import Quota
from assistant.access.sign_ins import SignIns

__all__ = [
    "AccessDenied",
    "Answer",
    "Claim",
    "Keys",
    "Quota",
    "Recruiter",
    "Replays",
    "SignIns",
    "hash_key",
    "new_key",
    "request_fingerprint",
]
