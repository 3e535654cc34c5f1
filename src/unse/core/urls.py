from django.urls import path

from unse.core import health, probes

# /health/, /ready/ and /metrics are answered by unse.core.middleware.health_middleware before the
# URL resolver; these routes keep them reversible and documented in one place.
urlpatterns = [
    path("health/", health.health, name="health"),
    path("ready/", probes.ready_view, name="ready"),
    path("metrics", probes.metrics_view, name="metrics"),
]
