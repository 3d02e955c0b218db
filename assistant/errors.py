"""Typed domain errors; api/ maps each to one HTTP status in one place."""


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


class IdempotencyKeyReused(DebriefError):
    """An Idempotency-Key sent again with a different request: replaying the first answer would be wrong."""


class StaleVersion(DebriefError):
    """The debrief changed since the version the caller based its request on (If-Match)."""
