from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "unse.web"
    label = "web"
    verbose_name = "웹 화면"
