"""The access log names paths, never query strings: `DELETE /candidates?name=...` and
`GET /playbook/search?q=...` carry a candidate's name or a recruiter's notes, and a log line outlives
any erasure. Paths carry only ids."""

from __future__ import annotations

import logging

# uvicorn's access logger; its records' arguments are (client, method, path with query, version, status).
ACCESS_LOGGER = "uvicorn.access"
_PATH_ARG = 2


class WithoutQuery(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > _PATH_ARG:
            path = args[_PATH_ARG]
            if isinstance(path, str):
                record.args = (*args[:_PATH_ARG], path.split("?", 1)[0], *args[_PATH_ARG + 1:])
        return True


def install() -> None:
    """Idempotent. A filter on the logger survives uvicorn's logging set-up, which replaces handlers only."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, WithoutQuery) for f in logger.filters):
        logger.addFilter(WithoutQuery())
