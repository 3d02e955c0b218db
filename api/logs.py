"""The service log: one JSON object per line, each carrying the id of the request it was written under.

Operators feed these lines to a log store and follow one request across the access line, the model's
errors and the supervisor's restarts by `request_id`. DEBRIEF_LOG_FORMAT=text gives plain lines instead
(the default on a terminal).
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

# Set by the API's request-id middleware; anyio copies it into the worker threads a route runs in.
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else was passed with `extra=` and belongs in the JSON object.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if (current := request_id.get()) is not None:
            entry["request_id"] = current
        entry |= {key: value for key, value in vars(record).items() if key not in _STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class RequestIdFilter(logging.Filter):
    """For plain-text logs: adds `request_id` so a format string can show it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get() or "-"
        return True


def logging_config(log_format: str = "auto", level: str = "INFO") -> dict[str, Any]:
    """A logging.dictConfig for the service's and uvicorn's loggers (uvicorn.run(log_config=...)).
    uvicorn's own access line is off: the request-id middleware writes one with the id and the time taken."""
    if log_format == "auto":
        log_format = "text" if sys.stderr.isatty() else "json"
    formatter = (
        {"()": "api.logs.JsonFormatter"} if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "api.logs.RequestIdFilter"}},
        "formatters": {"service": formatter},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "service",
                                "filters": ["request_id"], "stream": "ext://sys.stderr"}},
        "loggers": {
            "debrief": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
