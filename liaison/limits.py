"""Length limits of free text, in one place (issue 9 §5).

A 1 MB report part once made a 167-second PDF inside a web request. Every
free-text field has a limit: forms show it and refuse more (with Django's
Chinese message), and `enforce_text_limits` — connected to every save of the
project's models — refuses more from any other path (a service, a task, an
import) with a Chinese ValidationError.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

REPORT_PART = 5_000  # each of the five parts of a duty report or written report
LONG_TEXT = 5_000  # letters, problems, replies, suggestions, summaries of visits
SHORT_TEXT = 1_000  # notes, reasons, comments, answers, findings
GENERATED_TEXT = 100_000  # text the software writes itself (explanations, notices): a safety net only

PROJECT_APPS = frozenset({"liaison", "deputies", "constituents", "mailbox", "reports"})

# Model text fields whose limit is not LONG_TEXT.
FIELD_LIMITS: dict[str, int] = {
    **{f"reports.{model}.{part}": REPORT_PART
       for model in ("DutyMeeting", "WrittenReport", "PublishedReport")
       for part in ("part_session", "part_recess", "part_constituency", "part_law", "part_good_deeds")},
    "reports.RotationPlan.explanation": GENERATED_TEXT,
    "liaison.Notification.body": GENERATED_TEXT,
}


def text_limit(model: type[models.Model], field: models.Field) -> int | None:
    if isinstance(field, models.CharField) and field.max_length:
        return field.max_length
    if isinstance(field, models.TextField):
        return FIELD_LIMITS.get(f"{model._meta.label}.{field.name}", LONG_TEXT)
    return None


def enforce_text_limits(sender, instance, raw=False, **kwargs) -> None:
    """pre_save: refuse text longer than its limit, before the database sees it."""
    if raw or sender._meta.app_label not in PROJECT_APPS:
        return
    model = getattr(sender, "instance_type", None) or sender  # audit copies follow their model
    own_fields = {field.name for field in model._meta.concrete_fields}
    errors = {}
    for field in sender._meta.concrete_fields:
        if not isinstance(field, (models.CharField, models.TextField)) or field.name not in own_fields:
            continue
        value = getattr(instance, field.attname, None)
        limit = text_limit(model, field)
        if isinstance(value, str) and limit and len(value) > limit:
            errors[field.name] = f"“{field.verbose_name}”最多 {limit} 个字，现在有 {len(value)} 个字，请精简后再保存。"
    if errors:
        raise ValidationError(errors)


def limit_admin_text_fields() -> None:
    """The admin's forms show and check the same limits, so an over-long text there is a form
    error in Chinese, not a refused save (the admin builds its forms from the models, whose
    TextFields carry no max_length of their own)."""
    from django.contrib.admin.options import BaseModelAdmin

    original = BaseModelAdmin.formfield_for_dbfield
    if getattr(original, "limits_text", False):
        return

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = original(self, db_field, request, **kwargs)
        model = getattr(db_field, "model", None)
        if (formfield is not None and isinstance(db_field, models.TextField) and model is not None
                and model._meta.app_label in PROJECT_APPS and getattr(formfield, "max_length", None) is None):
            limit = text_limit(model, db_field)
            if limit:
                formfield.max_length = limit
                formfield.validators.append(MaxLengthValidator(limit))
                formfield.widget.attrs.setdefault("maxlength", str(limit))
        return formfield

    formfield_for_dbfield.limits_text = True
    BaseModelAdmin.formfield_for_dbfield = formfield_for_dbfield
