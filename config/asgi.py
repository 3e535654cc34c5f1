import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

from unse.core.asgi import asgi_application, request_started_receivers_drop

# Django's handler, except that an event stream lets go of its request once its view returned, and a
# request that never used its thread is closed without one (unse/core/asgi.py).
application = asgi_application()
request_started_receivers_drop()

# Each uvicorn worker imports this module in its main thread: SIGUSR2 then drains that worker.
from unse.core.drain import install_signal_handler  # noqa: E402

install_signal_handler()

# The first readings of a fresh worker would pay for per-process memos (≈ 1 s CPU): fill them before it
# serves.
from unse.readings.warm import worker_warm  # noqa: E402

worker_warm()
