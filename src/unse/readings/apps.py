from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "unse.readings"
    label = "readings"
    verbose_name = "사주 풀이"

    def ready(self) -> None:
        # Imported here, not at the top: these modules import models, which exist only once the registry is ready.
        from unse.ai.health import breaker_check
        from unse.core.health import register_readiness_check
        from unse.core.switches import switch_check_register
        from unse.readings.prompt_versions import check_prompt_pins

        register_readiness_check("ai_breaker", breaker_check, required=False)
        # Which prompt versions ship is this app's knowledge; the registry (core) cannot know it.
        switch_check_register("prompts.active", check_prompt_pins)
