from django.apps import AppConfig


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = "代表名册"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from .models import Term, forget_current_years

        post_save.connect(forget_current_years, sender=Term, dispatch_uid="term-years")
        post_delete.connect(forget_current_years, sender=Term, dispatch_uid="term-years-deleted")
