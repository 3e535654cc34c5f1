"""pytest: same code paths as production, fast password hashing, captured e-mail."""

import os

from config.env import env_str

from .base import *  # noqa: F403
from .base import TEST_SECRET_KEY, VAR_DIR

DEBUG = False
SECRET_KEY = env_str("SECRET_KEY") or TEST_SECRET_KEY
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(exist_ok=True)
# The runtime maintenance flag is read on every request in tests (no per-process memo).
MAINTENANCE_CHECK_INTERVAL_SECONDS = 0.0
DRAIN_FILE = str(VAR_DIR / "test-drain")

# SQLite's in-memory test database runs in shared-cache mode, where concurrent writers from the ORM's worker
# threads fail at once with "database table is locked" (table-level locks ignore the busy timeout). A file
# database uses the same WAL + busy-timeout behaviour as `make run`, so threaded services are tested as they run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405

# No reserved batch share by default in tests (budget tests that exercise the reserve set it themselves), so
# that a small AI_DAILY_TOKEN_BUDGET in a test means the same for every caller.
AI_BATCH_TOKEN_SHARE = 0.0
