from __future__ import annotations

from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "unse.ops"
    label = "ops"
    verbose_name = "운영 콘솔"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which exist only once the registry is ready.
        from unse.core.health import register_readiness_check
        from unse.ops import signals  # noqa: F401 - connects the audit mirrors
        from unse.ops.metrics import check_ops_metrics

        register_readiness_check("ops_metrics", check_ops_metrics, required=False)
