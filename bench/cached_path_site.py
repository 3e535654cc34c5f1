"""Settings for bench/cached_path.py: the dev settings (DEBUG off via env) with the real URLs plus the
framework floor (bench/cached_path_urls.py)."""

from config.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.cached_path_urls"
