"""Structured logs: one JSON object a line, with the request id and job id where there is one.

Only ids, counts, paths and timings are logged, never an article's text: a log is read by more
people than the briefs are.
"""

from __future__ import annotations

import json
import logging

# The attributes every LogRecord has; anything else came in ``extra=`` and is logged as a field.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        row = {"time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname.lower(),
               "logger": record.name, "event": record.getMessage()}
        row |= {key: value for key, value in vars(record).items() if key not in _STANDARD}
        if record.exc_info:
            row["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(row, default=str)


def configure_logging(level: str = "info") -> None:
    """newsbrief's loggers, and uvicorn's, write JSON lines to stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    for name in ("newsbrief", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level.upper())
        logger.propagate = False
    logging.getLogger("uvicorn.access").disabled = True  # the API logs each request itself, with its id
