"""Minimal Django settings for the seed's original setup (gunicorn gthread + a sync relay view)."""

import os

SECRET_KEY = "bench-only-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.seed_sync.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict[str, dict[str, str]] = {}
USE_TZ = True
LLM_BASE_URL = os.environ.get("LLM_BASE_URL", "http://127.0.0.1:8900/v1")
LLM_MODEL = os.environ.get("LLM_MODEL", "fake-model")
