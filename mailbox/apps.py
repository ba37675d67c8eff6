from django.apps import AppConfig


class MailboxConfig(AppConfig):
    name = "mailbox"
    verbose_name = "代表信箱"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Reliability/SMS: an online letter's writer gets a text when the result is ready.
        from constituents.notices import problem_result_ready

        from .texts import text_writer_result_ready

        problem_result_ready.connect(text_writer_result_ready, dispatch_uid="mailbox.text_writer_result_ready")
