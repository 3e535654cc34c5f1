"""Settings of the app servers that the reliability suites start: production settings with the real URLs
(tests/integration/settings.py serves test-only routes instead) and manifest-free static files."""

from config.settings.prod import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
