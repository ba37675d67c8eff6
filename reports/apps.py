from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "述职与报表"
    default_auto_field = "django.db.models.BigAutoField"
