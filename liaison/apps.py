from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = "系统与通知"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            signals,
            urls_abs,  # noqa: F401  (registers the SITE_URL deploy check)
        )
        from .append_only import register_triggers
        from .schedules import install_schedules

        post_migrate.connect(install_schedules, sender=self)
        from .admin_scale import register as register_admin_filters

        register_admin_filters()  # related filters list their choices only while they are few
        # Audit tables: append-only triggers, registered once every model is loaded.
        signals.connect()
        register_triggers()  # installed by pgtrigger after migrate (PGTRIGGER_INSTALL_ON_MIGRATE)

        # sec-data: every free-text field has a length limit, whatever path saves it.
        from django.db.models.signals import pre_save

        from .limits import enforce_text_limits, limit_admin_text_fields

        pre_save.connect(enforce_text_limits, dispatch_uid="liaison.enforce_text_limits")
        limit_admin_text_fields()
