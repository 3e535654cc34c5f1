"""The django.contrib.sites row from SITE_NAME / SITE_DOMAIN: allauth names the site and builds links in
mail from it, and the row Django creates says "example.com". Synced after every `migrate` (the release
step), so changing the settings and releasing is enough."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.sites.models import Site
from django.db.models.signals import post_migrate


def site_sync(*, using: str = "default", **kwargs: Any) -> None:
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID, defaults={"name": settings.SITE_NAME, "domain": settings.SITE_DOMAIN}
    )
    Site.objects.clear_cache()


def register() -> None:
    # After django.contrib.sites' own receiver (which creates example.com): its app is ready before ours.
    post_migrate.connect(site_sync, sender=apps.get_app_config("sites"), dispatch_uid="unse.core.sites")
