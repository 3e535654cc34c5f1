"""django.contrib.admin's app config with our default site: `admin.site` is the TOTP-guarded
ConsoleAdminSite (unse/ops/sites.py). Its own module, because Django treats an imported AdminConfig in
unse/ops/apps.py as a second default config of the ops app."""

from __future__ import annotations

from django.contrib.admin.apps import AdminConfig


class ConsoleAdminConfig(AdminConfig):
    default_site = "unse.ops.sites.ConsoleAdminSite"
