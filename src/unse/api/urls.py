from django.urls import path

from unse.api.api import api

urlpatterns = [path("api/v1/", api.urls)]
