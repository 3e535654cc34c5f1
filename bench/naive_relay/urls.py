from bench.naive_relay.views import stream
from django.urls import path

urlpatterns = [path("api/v1/readings/stream", stream)]
