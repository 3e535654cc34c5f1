import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

from unse.core.asgi import asgi_application

# Django's handler, except that an event stream lets go of its request once its view returned, and a
# request that never used its thread is closed without one (unse/core/asgi.py).
application = asgi_application()

# Under ASGI every request runs in a fresh ThreadSensitiveContext, so Django's request_started receivers
# (close_old_connections, reset_queries) find no connection and no query log in that request's thread:
# they only made Django start a thread for every request, which then lived as long as the response, i.e.
# one idle OS thread per open stream (issue 19: memory and CPU per stream). request_finished keeps them:
# whatever a request opened in its thread is still closed when it ends.
from django.core import signals  # noqa: E402
from django.db import close_old_connections, reset_queries  # noqa: E402

signals.request_started.disconnect(close_old_connections)
signals.request_started.disconnect(reset_queries)

# Each uvicorn worker imports this module in its main thread: SIGUSR2 then drains that worker.
from unse.core.drain import install_signal_handler  # noqa: E402

install_signal_handler()

# The first readings of a fresh worker would pay for per-process memos (≈ 1 s CPU): fill them before it
# serves.
from unse.readings.warm import worker_warm  # noqa: E402

worker_warm()
