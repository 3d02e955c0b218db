"""The service's Prometheus metrics, served at /metrics (prometheus-client's default registry).

Turn latency and tokens are what a recruiter waits for and what the model costs; the model calls in
flight are the queue in front of the model server; restarts say whether it is healthy. They live on the
ground floor so that every layer can count what it does without importing another's internals.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

# Turns run from seconds (a warm prefix, a short answer) to minutes (a cold read on a busy CPU).
_TURN_BUCKETS = (0.5, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233)

TURN_SECONDS = Histogram(
    "debrief_turn_seconds", "Seconds from a turn starting to its record being saved, by outcome",
    ["outcome"], buckets=_TURN_BUCKETS,
)
MODEL_CALL_SECONDS = Histogram(
    "debrief_model_call_seconds",
    "Seconds of one structured model call (a turn's extraction, a whole-conversation pass)",
    buckets=_TURN_BUCKETS,
)
MODEL_CALLS_IN_FLIGHT = Gauge(
    "debrief_model_calls_in_flight",
    "Structured model calls sent and not yet answered: the queue in front of the model server",
)
MODEL_TOKENS = Counter("debrief_model_tokens_total", "Tokens the model read and wrote, as it reported them",
                       ["direction"])
MODEL_RESTARTS = Counter("debrief_model_restarts_total", "Times the embedded model server exited and was restarted")
