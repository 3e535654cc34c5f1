"""The Celery application (the standard Celery-Django layout): settings come from Django settings
prefixed CELERY_ (driven by env vars in config/settings/components/batch.py), tasks are discovered
in each app's tasks.py; the beat schedule is CELERY_BEAT_SCHEDULE in config/settings/components/batch.py.

Run a worker:  .venv/bin/celery -A config worker -l info
Run beat:      .venv/bin/celery -A config beat -l info
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from celery import Celery

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

app = Celery("unse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
