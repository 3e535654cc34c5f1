from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "unse.core"
    label = "core"
    verbose_name = "서비스 기반"

    def ready(self) -> None:
        from unse.core import health, metrics

        health.register_builtin_checks()
        metrics.collect_dead_workers()
