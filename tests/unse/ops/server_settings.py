"""Settings of the app servers started by test_two_servers.py: the integration tests' production settings
with the real URLs (admin included)."""

from tests.integration.settings import *  # noqa: F403

ROOT_URLCONF = "config.urls"
