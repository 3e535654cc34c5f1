from django.apps import AppConfig


class ReadingsConfig(AppConfig):
    name = "unse.readings"
    label = "readings"
    verbose_name = "사주 풀이"
