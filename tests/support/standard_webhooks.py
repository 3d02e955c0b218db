"""The receiving side of Standard Webhooks (https://www.standardwebhooks.com, "Verifying webhooks"),
written from the specification and on purpose sharing no code with assistant/ats/signing.py: a test
that signs with Debrief and verifies with this checks Debrief against the convention, not against itself.

1. The secret is `whsec_` followed by the base64 of the key; the key is what follows, base64-decoded.
2. The signed content is `{webhook-id}.{webhook-timestamp}.{raw body}`.
3. The expected signature is the base64 of HMAC-SHA256(key, signed content).
4. `webhook-signature` is a space-separated list of `version,signature`; any `v1` entry that matches
   (compared in constant time) verifies the message.
5. The timestamp (integer seconds since the epoch) must be within the tolerance of now (5 minutes), else
   the message is refused, whatever its signature: a captured request cannot be replayed later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping

TOLERANCE_S = 5 * 60


class VerificationFailed(Exception):
    pass


def verify(secret: str, headers: Mapping[str, str], body: bytes, now: float | None = None) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        msg_id, stamp, signatures = (lowered["webhook-id"], lowered["webhook-timestamp"],
                                     lowered["webhook-signature"])
    except KeyError as missing:
        raise VerificationFailed(f"missing header {missing}") from None
    try:
        sent_at = int(stamp)
    except ValueError:
        raise VerificationFailed("the timestamp is not an integer") from None
    current = time.time() if now is None else now
    if sent_at < current - TOLERANCE_S:
        raise VerificationFailed("the message is too old")
    if sent_at > current + TOLERANCE_S:
        raise VerificationFailed("the message is from the future")
    if not secret.startswith("whsec_"):
        raise VerificationFailed("not a Standard Webhooks secret")
    key = base64.b64decode(secret[len("whsec_"):])
    content = msg_id.encode() + b"." + stamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
    for entry in signatures.split(" "):
        version, _, given = entry.partition(",")
        if version == "v1" and hmac.compare_digest(given.encode(), expected):
            return
    raise VerificationFailed("no matching signature")
