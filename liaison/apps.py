from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "系统与通知"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .schedules import install_schedules

        post_migrate.connect(install_schedules, sender=self)

        # sec-data: every free-text field has a length limit, whatever path saves it.
        from django.db.models.signals import pre_save

        from .limits import enforce_text_limits

        pre_save.connect(enforce_text_limits, dispatch_uid="liaison.enforce_text_limits")
