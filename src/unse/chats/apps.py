from django.apps import AppConfig


class ChatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "unse.chats"
    label = "chats"
    verbose_name = "상담"
