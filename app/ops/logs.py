"""JSON logging: every log line is one JSON object on stdout, tagged with the request id when there is one."""

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import orjson

from app.config import Settings
from app.context import REQUEST_ID  # the middleware sets it through this module

ACCESS_LOGGER = "reform_facts.access"


class JsonFormatter(logging.Formatter):
    """One JSON object per record. An access record carries its fields in `record.access`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": self._timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        access = getattr(record, "access", None)
        if access is not None:
            entry.update(access)
        else:
            request_id = getattr(record, "request_id", None)
            if request_id is not None:
                entry["request_id"] = request_id
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()

    _second: int = -1
    _second_text: str = ""

    def _timestamp(self, created: float) -> str:
        # RFC 3339 UTC with milliseconds; the part up to the second is reused (one line per request).
        second = int(created)
        if second != self._second:
            self._second_text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
            self._second = second
        return f"{self._second_text}.{int((created - second) * 1000):03d}Z"


def _tag_with_request_id(factory: Callable[..., logging.LogRecord]) -> Callable[..., logging.LogRecord]:
    # Tagged when the record is made (in the request's context), not when a handler formats it,
    # which may be later or in another thread (a QueueHandler, a test's log capture).
    def make_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        record.request_id = REQUEST_ID.get()
        return record

    make_record.tags_request_id = True  # type: ignore[attr-defined]
    return make_record


class _QuietMigrationContext(logging.Filter):
    """Drops the two INFO lines Alembic writes whenever a MigrationContext opens (every /readyz probe)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.INFO and str(record.msg).startswith(("Context impl", "Will assume")))


_QUIET_MIGRATION_CONTEXT = _QuietMigrationContext()


class _JsonHandler(logging.StreamHandler):
    """Marks the handler this module installed, so configuring twice (tests, reloads) adds nothing."""


def configure_logging(settings: Settings) -> None:
    """Route the app's and uvicorn's logs through one JSON handler on the root logger.

    Plain stream handlers (logging.basicConfig's, uvicorn's) are replaced; any other handler, such as
    a test runner's capture, is left in place.
    """
    if not getattr(logging.getLogRecordFactory(), "tags_request_id", False):
        logging.setLogRecordFactory(_tag_with_request_id(logging.getLogRecordFactory()))
    root = logging.getLogger()
    root.setLevel(settings.log_level.upper())
    for handler in list(root.handlers):
        if isinstance(handler, _JsonHandler):
            break
        if type(handler) is logging.StreamHandler:
            root.removeHandler(handler)
    else:
        handler = _JsonHandler(sys.stdout)
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    logging.getLogger("alembic.runtime.migration").addFilter(_QUIET_MIGRATION_CONTEXT)  # a set: added once
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # The middleware writes the access log (with route template and request id); uvicorn's stays off.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
