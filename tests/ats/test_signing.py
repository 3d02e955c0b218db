"""Debrief's signatures checked by the Standard Webhooks reference verification (tests/support/
standard_webhooks.py, written from the specification, not from Debrief's code): a receiver accepts a
message signed by Debrief and rejects one whose signature, body, secret or timestamp is wrong."""

from __future__ import annotations

import base64
import time

import pytest

from assistant.ats import new_secret, signed_headers
from tests.support.standard_webhooks import VerificationFailed, verify

BODY = '{"data":{"text":"Hi Sam"},"id":"msg_1","type":"draft.approved","version":1}'


def test_a_signed_message_verifies() -> None:
    secret = new_secret()
    now = int(time.time())
    headers = signed_headers(secret, "msg_1", now, BODY)
    verify(secret, headers, BODY.encode())
    assert headers["webhook-id"] == "msg_1" and headers["webhook-timestamp"] == str(now)
    assert headers["webhook-signature"].startswith("v1,")


def test_the_secret_is_whsec_and_base64_key_bytes() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) >= 24
    assert new_secret() != secret


@pytest.mark.parametrize("tamper", ["body", "secret", "id", "signature", "timestamp_in_signature"])
def test_a_wrong_signature_is_rejected(tamper: str) -> None:
    secret, now = new_secret(), int(time.time())
    headers = signed_headers(secret, "msg_1", now, BODY)
    body = BODY.encode()
    if tamper == "body":
        body = BODY.replace("Hi Sam", "Hi Ann").encode()
    elif tamper == "secret":
        secret = new_secret()
    elif tamper == "id":
        headers["webhook-id"] = "msg_2"
    elif tamper == "signature":
        headers["webhook-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    else:
        headers["webhook-timestamp"] = str(now - 1)  # the signature covers the timestamp too
    with pytest.raises(VerificationFailed):
        verify(secret, headers, body)


@pytest.mark.parametrize("offset_s", [-301, 301, -3600])
def test_a_timestamp_outside_the_tolerance_is_rejected_though_correctly_signed(offset_s: int) -> None:
    secret = new_secret()
    sent_at = int(time.time()) + offset_s
    headers = signed_headers(secret, "msg_1", sent_at, BODY)
    with pytest.raises(VerificationFailed, match="old|future"):
        verify(secret, headers, BODY.encode())
    # The same message verifies at the time it claims to be from: only the timestamp is wrong.
    verify(secret, headers, BODY.encode(), now=sent_at)
