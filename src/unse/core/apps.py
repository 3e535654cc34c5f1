from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unse.core"
    label = "core"
    verbose_name = "서비스 기반"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which exist only once the registry is ready.
        from unse.core import checks, health, maintenance, metrics  # noqa: F401 - checks registers itself

        health.register_builtin_checks()
        metrics.collect_dead_workers()
        # The console's maintenance switch, beside the MAINTENANCE_MODE env flag (either one closes the site).
        maintenance.register_maintenance_source("ops_console", maintenance.maintenance_switch_active)
