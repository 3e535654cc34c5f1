from django.apps import AppConfig


class FortunesConfig(AppConfig):
    name = "unse.fortunes"
    label = "fortunes"
    verbose_name = "오늘의 운세"
