"""Local development and `make run`: embedded defaults, a throwaway secret key.

Never the default: `make run`, the Makefile's other targets and every documented local command set
DJANGO_SETTINGS_MODULE=config.settings.dev explicitly (an unset variable means production).
DEBUG stays off unless DEBUG=true, so a dev server reachable from elsewhere shows no tracebacks.
"""

from config.env import env_bool, env_str

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or DEV_SECRET_KEY
