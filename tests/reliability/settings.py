"""Settings of the app servers that the reliability suites start: production settings with the real URLs
(tests/integration/settings.py serves test-only routes instead) and manifest-free static files."""

from config.settings.prod import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# These suites play many users from one loopback address, so the per-address share of a worker's streams
# (AI_MAX_STREAMS_PER_CLIENT, issue 20) would refuse them all; that limit has its own tests
# (tests/unse/readings/test_stream_fairness.py, and test_security.py here).
AI_MAX_STREAMS_PER_CLIENT = 100_000
