from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = "代表名册"
    default_auto_field = "django.db.models.BigAutoField"
