from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "mailbox"
    verbose_name = "代表信箱"
    default_auto_field = "django.db.models.BigAutoField"
