from __future__ import annotations

from django.core.exceptions import ValidationError


def attach_errors(error: ValidationError, form) -> None:
    """Put a service's Chinese ValidationError on a form: next to the field when the
    form has it, on top otherwise, so the page shows it and keeps what was typed."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
