from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "unse.readings"
    label = "readings"
    verbose_name = "사주 풀이"

    def ready(self) -> None:
        from unse.ai.health import breaker_check
        from unse.core.health import register_readiness_check

        register_readiness_check("ai_breaker", breaker_check, required=False)
