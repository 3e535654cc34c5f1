"""Settings for `scripts/lint_migrations.sh` only: the test settings plus django-migration-linter (a
dev-only dependency, so it is not in INSTALLED_APPS of the settings that production runs)."""

from .test import *  # noqa: F403
from .test import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "django_migration_linter"]
# Linting never encrypts anything; the check of accounts.E001 must not stop it.
FIELD_ENCRYPTION_ALLOW_DERIVED_KEY = True
