"""Settings of the uvicorn server that the browser tests start: production-like (DEBUG off, hashed and
compressed static files collected by the release step) with a private SQLite file, static folder and
e-mail folder per test session, all passed in through environment variables by tests/browser/conftest.py."""

import os

from config.settings.dev import *  # noqa: F403

DEBUG = False
STATIC_ROOT = os.environ["BROWSER_STATIC_ROOT"]
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["BROWSER_MAIL_DIR"]
