from django.apps import AppConfig


class ConstituentsConfig(AppConfig):
    name = "constituents"
    verbose_name = "选民与群众诉求"
    default_auto_field = "django.db.models.BigAutoField"
