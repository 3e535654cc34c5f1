from django.urls import path

from unse.fortunes import views

app_name = "fortunes"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
