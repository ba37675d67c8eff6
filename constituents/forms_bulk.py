"""The forms of the bulk steps on the problem list: the single steps' fields, for many problems at once."""

from __future__ import annotations

from django import forms

from deputies.models import Department
from liaison.autocomplete import AutocompleteWidget

from .forms import CallbackForm, FeedbackForm, ForwardForm


class BulkForwardForm(ForwardForm):
    """转交: one department for every chosen problem, picked by search (not a list of every department)."""

    departments = None
    department = forms.ModelChoiceField(
        label="承办部门", queryset=Department.objects.filter(is_active=True),
        widget=AutocompleteWidget("autocomplete_departments", placeholder="输入部门名称查找"),
        error_messages={"required": "请选择承办部门（输入名称后从列表中选取）。",
                        "invalid_choice": "请从列表中选取承办部门。"},
    )
    field_order = ["department", "forwarded_on", "deadline_days", "deadline", "needs_contact"]


class BulkCallbackForm(CallbackForm):
    """回访: the same result for every raiser of every chosen problem (one call each, or an anonymous one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, raisers=None, **kwargs)
        del self.fields["constituent"]
        self.fields["result"].help_text = "所选每件诉求的每位反映人都记为这一回访结果；结果不同的请逐件回访。"


class BulkFeedbackForm(FeedbackForm):
    """反馈: everyone still waiting on each chosen problem was told the same way on the same day."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, waiting=None, **kwargs)
        self.fields["how"].help_text = "记为已告知所选诉求的全部待反馈反映人。"


class BulkRemindForm(forms.Form):
    """催办 needs nothing typed: each open department of each chosen problem is pressed today."""
