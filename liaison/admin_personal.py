"""The admin shows personal data the way the pages do: masked, until someone
with the right to change the row asks for the whole record, which is logged
(issue 9 §4). Which fields and how they are masked: liaison/personal_data.py.

Use `PersonalDataAdminMixin` first in a ModelAdmin's bases.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied

from .audit import log_access
from .personal_data import masked_fields

MASKED_PREFIX = "masked_"
REVEAL_PARAM = "reveal"


class PersonalDataAdminMixin:
    change_form_template = "admin/liaison/personal_change_form.html"

    def _masked(self) -> dict:
        return masked_fields(self.model._meta.label)

    def __getattr__(self, name: str):
        # `masked_phone` etc.: read-only columns and fields built from the register.
        if name.startswith(MASKED_PREFIX):
            field_name = name[len(MASKED_PREFIX):]
            entry = masked_fields(self.model._meta.label).get(field_name)
            if entry is not None:
                def show(obj, _field=field_name, _entry=entry):
                    return _entry.masked(getattr(obj, _field)) or "—"

                show.short_description = f"{self.model._meta.get_field(field_name).verbose_name}（已脱敏）"
                return show
        raise AttributeError(name)

    def may_unmask(self, request, obj) -> bool:
        return obj is not None and self.has_change_permission(request, obj)

    def _revealed(self, request, obj) -> bool:
        return obj is not None and request.GET.get(REVEAL_PARAM) == "1" and self.may_unmask(request, obj)

    def _swap(self, names, request, obj):
        if obj is not None and self._revealed(request, obj):
            return list(names)
        masked, out = self._masked(), []
        for name in names:
            shown = f"{MASKED_PREFIX}{name}" if name in masked else name
            if shown not in out:
                out.append(shown)
        return out

    def get_list_display(self, request):
        return self._swap(super().get_list_display(request), request, None)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # the add form: nothing to mask yet
            return fieldsets
        return [(title, {**options, "fields": self._swap(options["fields"], request, obj)})
                for title, options in fieldsets]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self._revealed(request, obj):
            readonly += [f"{MASKED_PREFIX}{name}" for name in self._masked()]
        return readonly

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if obj is not None and self._masked():
            if request.GET.get(REVEAL_PARAM) == "1":
                if not self.may_unmask(request, obj):
                    raise PermissionDenied("您无权查看完整个人信息。")
                if request.method == "GET":
                    log_access(user=request.user, obj=obj, request=request)
                extra_context["personal_revealed"] = True
            elif self.may_unmask(request, obj):
                query = request.GET.copy()
                query[REVEAL_PARAM] = "1"
                extra_context["reveal_url"] = f"?{query.urlencode()}"
        return super().change_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version shows every field whole: it is a whole view, and logged as one.
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self._masked():
            if not self.may_unmask(request, obj):
                raise PermissionDenied("您无权查看完整个人信息。")
            log_access(user=request.user, obj=obj, request=request)
        return super().history_form_view(request, object_id, version_id, extra_context)
