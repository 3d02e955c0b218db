"""Waiting for a process we started until it answers: the model server at start-up, the API in benches."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from enum import Enum

import httpx


class Wait(Enum):
    ANSWERING = "answering"
    EXITED = "exited"
    TIMED_OUT = "timed out"


def wait_until_answering(
    process: subprocess.Popen[bytes], answers: Callable[[], bool], timeout_s: float, poll_s: float = 0.5
) -> Wait:
    """Polls `answers` until it says yes, the process exits, or the time is up; the caller knows what each
    outcome means for it and reports it in its own words."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return Wait.EXITED
        if answers():
            return Wait.ANSWERING
        time.sleep(poll_s)
    return Wait.TIMED_OUT


def answers_ok(url: str, timeout_s: float = 2.0) -> bool:
    try:
        return httpx.get(url, timeout=timeout_s).status_code == 200
    except httpx.HTTPError:
        return False
