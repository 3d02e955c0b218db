"""Typed domain errors; api/ maps each to one HTTP status in one place."""

import math


class DebriefError(Exception):
    """Base for errors a recruiter can act on."""


class DebriefNotFound(DebriefError):
    pass


class InvalidInput(DebriefError):
    pass


class ModelUnavailable(DebriefError):
    """The chat model endpoint failed or timed out; the recruiter's message is kept for a retry."""


class ModelOutputInvalid(DebriefError):
    """The model answered, but not with the structured output asked for."""


class NothingToRetry(DebriefError):
    pass


class MessagePending(DebriefError):
    """A message is still waiting for the model; a new one would be read out of order."""


class PlaybookUnavailable(DebriefError):
    """The embedding model or the Chroma store cannot be used: a broken install or a server that is down."""


class DraftNotFound(DebriefError):
    pass


class DraftClosed(DebriefError):
    """The draft was approved or discarded: it can no longer change."""


class ApprovalBlocked(DebriefError):
    """A blocking compliance or disclosure finding is unresolved and no override reason was given."""


class ModelPaused(ModelUnavailable):
    """The endpoint failed too often in a row; calls are refused without trying until the cool-down ends."""

    def __init__(self, failures: int, retry_after_s: float) -> None:
        super().__init__(f"the model endpoint failed {failures} times in a row; calls paused for {retry_after_s:.0f} s")
        self.failures = failures
        self.retry_after_s = retry_after_s


class ModelRestarting(ModelUnavailable):
    """The embedded model server stopped and is being started again; the message is kept for a retry."""

    def __init__(self, reason: str, retry_after_s: float = 5.0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


class TooManyRequests(DebriefError):
    """A recruiter (or an unauthenticated address) used up its request allowance for now."""

    def __init__(self, retry_after_s: float) -> None:
        # Whole seconds, rounded up: "try again in 0 s" would invite an immediate retry that fails too.
        super().__init__(f"too many requests: try again in {max(1, math.ceil(retry_after_s))} s")
        self.retry_after_s = retry_after_s


class InterviewNotFound(DebriefNotFound):
    """Reported like a missing debrief (404): someone else's interview must not be told apart from none."""


class IdempotencyKeyReused(DebriefError):
    """An Idempotency-Key sent again with a different request: replaying the first answer would be wrong."""


class StaleVersion(DebriefError):
    """The debrief changed since the version the caller based its request on (If-Match)."""


class DebriefHeld(DebriefError):
    """The debrief is under a legal hold: it cannot be erased until the hold is released."""


class WebhookNotFound(DebriefError):
    """No such webhook endpoint or delivery for this recruiter (someone else's is reported the same way)."""
