"""Settings of the app servers that integration tests start: production settings (HTTPS redirect,
secure cookies, manifest-free static files) plus a few test-only routes."""

from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "tests.integration.urls"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
