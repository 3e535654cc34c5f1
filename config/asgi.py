import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

from django.core.asgi import get_asgi_application

application = get_asgi_application()

# Each uvicorn worker imports this module in its main thread: SIGUSR2 then drains that worker.
from unse.core.drain import install_signal_handler  # noqa: E402

install_signal_handler()
