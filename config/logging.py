"""Structured logs: one JSON object per line on stderr, every line of a request carrying its
request id (bound by unse.core.middleware through structlog's contextvars). Django's, uvicorn's and
every library's stdlib log records go through the same renderer.
"""

from __future__ import annotations

from typing import Any

import structlog
import structlog.tracebacks

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
    structlog.processors.StackInfoRenderer(),
]


def build_logging(*, level: str, fmt: str) -> dict[str, Any]:
    """Configure structlog and return the dict for Django's LOGGING setting."""
    renderer: Any
    if fmt == "console":
        renderer = structlog.dev.ConsoleRenderer()
        exc_processor: Any = structlog.processors.format_exc_info
    else:
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
        # Frames without local variables: locals would copy secrets and personal data into the logs.
        exc_processor = structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False, max_frames=30)
        )
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_SHARED,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": [*_SHARED, structlog.stdlib.ExtraAdder()],
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    exc_processor,
                    renderer,
                ],
            },
        },
        "handlers": {
            "stderr": {"class": "logging.StreamHandler", "formatter": "structured"},
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "django": {"handlers": ["stderr"], "level": level, "propagate": False},
            # The error model logs what it answers (unse.errors); django.request still reports failures
            # outside views (a broken middleware), with their traceback.
            "django.request": {"handlers": ["stderr"], "level": "ERROR", "propagate": False},
            "django.server": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": level, "propagate": False},
            "uvicorn.access": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
        },
    }
