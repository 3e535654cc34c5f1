"""Mail names the site from SITE_NAME / SITE_DOMAIN, never allauth's "example.com" (issue 20)."""

from __future__ import annotations

import pytest
from django.contrib.sites.models import Site
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_sites_row_follows_the_settings_after_migrate(settings):
    assert Site.objects.get_current().name == settings.SITE_NAME == "사주 명식"
    settings.SITE_NAME, settings.SITE_DOMAIN = "운세 명식", "unse.example"
    call_command("migrate", verbosity=0)
    current = Site.objects.get_current()
    assert (current.name, current.domain) == ("운세 명식", "unse.example")
    assert not Site.objects.filter(domain="example.com").exists()
