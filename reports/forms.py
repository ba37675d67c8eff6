from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from deputies.models import Deputy, DeputyGroup, DeputyStatus, Term
from liaison import limits
from liaison.autocomplete import AutocompleteWidget

from .models import REPORT_PARTS, DutyMeeting, PublishedReport, RotationPlan, WrittenReport
from .prefill import DRAFTING_HINT


# Thousands of groups and deputies at a province's scale: a field that chooses among them searches
# as you type (the endpoints search only what the user may see); the field's queryset, still scoped
# by visible_to, is what validation checks an id against (perf, issue 11).
def group_search() -> AutocompleteWidget:
    return AutocompleteWidget("autocomplete_groups", "输入代表组名称查找")


def deputy_search() -> AutocompleteWidget:
    return AutocompleteWidget("autocomplete_deputies", "输入代表姓名查找")


MONTH_CHOICES = [(m, f"{m}月") for m in range(1, 13)]
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def year_choices(*, ahead: int = 0) -> list[tuple[int, str]]:
    """The current term's years so far, newest first (`ahead`: and the next ones, for planning)."""
    today = timezone.localdate()
    term = Term.current()
    years = term.years_so_far(today, ahead=ahead) if term else [today.year]
    return [(y, f"{y}年") for y in years]


class PlanDraftForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int)
    group = forms.ModelChoiceField(
        label="代表组", queryset=DeputyGroup.objects.none(), required=False, empty_label="全部代表组",
        widget=group_search(), help_text="不选则为全部代表组生成。",
    )

    def __init__(self, *args, user=None, **kwargs):
        # Its own ids: the plan list's filter has a group search too, and each search box fills the
        # hidden input its id names.
        kwargs.setdefault("auto_id", "draft_%s")
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices(ahead=1)  # next year's plan is drafted in December
        self.fields["year"].initial = timezone.localdate().year
        self.fields["group"].queryset = DeputyGroup.objects.visible_to(user)


class EntryForm(forms.Form):
    planned_month = forms.TypedChoiceField(label="计划月份", choices=MONTH_CHOICES, coerce=int)
    place = forms.CharField(label="述职地点", max_length=120, required=False)
    topic = forms.CharField(label="述职重点内容", max_length=200, required=False)


class SwapForm(forms.Form):
    new_deputy = forms.ModelChoiceField(label="调入代表", queryset=Deputy.objects.none(), empty_label="请选择代表")
    reason = forms.CharField(label="调换理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan: RotationPlan, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        picked = plan.entries.values("deputy_id")
        self.fields["new_deputy"].queryset = (
            Deputy.objects.visible_to(user)
            .filter(group_id=plan.group_id, term_id=plan.term_id, status=DeputyStatus.SERVING)
            .exclude(pk__in=picked)
        )


class ConfirmForm(forms.Form):
    written_deadline = forms.DateField(label="书面报告截止日期", widget=DATE_INPUT)


class ReportPartsForm(forms.Form):
    """The five parts of a report, with the source document's wording as help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, title, help_text in REPORT_PARTS:
            if name == "part_constituency":  # the drafting hint lives here, never in the stored text
                help_text = f"{help_text}。{DRAFTING_HINT}"
            self.fields[name] = forms.CharField(
                label=title, help_text=help_text, required=False, max_length=limits.REPORT_PART,
                widget=forms.Textarea(attrs={"rows": 6}),
            )


class MeetingRecordForm(forms.Form):
    held_on = forms.DateField(label="述职日期", widget=DATE_INPUT)
    place = forms.CharField(label="述职地点", max_length=120)
    attendance = forms.IntegerField(label="到会选民人数", min_value=1)
    video_url = forms.URLField(
        label="视频短片链接", required=False, assume_scheme="https",
        help_text="有条件的代表组可把履职情况拍成视频短片在会上播放，此处填写链接（可不填）。",
    )


class QuestionForm(forms.Form):
    question = forms.CharField(label="选民提问", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="只记问题本身，不记提问人的姓名、电话等个人信息。")
    answer = forms.CharField(label="代表回答", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EvaluationForm(forms.Form):
    satisfied = forms.IntegerField(label="满意", min_value=0)
    basically_satisfied = forms.IntegerField(label="基本满意", min_value=0)
    dissatisfied = forms.IntegerField(label="不满意", min_value=0)
    invalid = forms.IntegerField(label="弃权或无效", min_value=0, initial=0)
    comments = forms.CharField(label="选民评议意见", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 4}), required=False)


class RectificationForm(forms.Form):
    issue = forms.CharField(label="整改事项", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label="责任代表", queryset=Deputy.objects.none(), empty_label=None)
    due_on = forms.DateField(label="整改期限", widget=DATE_INPUT)

    def __init__(self, *args, meeting: DutyMeeting, **kwargs):
        super().__init__(*args, **kwargs)
        plan = meeting.entry.plan
        self.fields["owner"].queryset = Deputy.objects.filter(
            group_id=plan.group_id, term_id=plan.term_id, status=DeputyStatus.SERVING
        )
        self.fields["owner"].initial = meeting.entry.deputy_id
        base = meeting.held_on or timezone.localdate()
        self.fields["due_on"].initial = base + dt.timedelta(days=90)


class ProgressForm(forms.Form):
    note = forms.CharField(label="整改进展", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    closing_note = forms.CharField(label="整改结果", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="审查结论", choices=[("accept", "审查通过"), ("return", "退回修改")],
                                 widget=forms.RadioSelect)
    comment = forms.CharField(label="审查意见", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False)


class WrittenStartForm(forms.Form):
    deputy = forms.ModelChoiceField(label="代表", queryset=Deputy.objects.none(), empty_label="请选择代表",
                                    widget=deputy_search())
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = year_choices()
        self.fields["year"].initial = timezone.localdate().year
        self.fields["deputy"].queryset = (
            Deputy.objects.visible_to(user).filter(term__is_current=True, status=DeputyStatus.SERVING)
            .select_related("group")
        )
        if user is not None and user.is_deputy:
            del self.fields["deputy"]


class PlanFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False, empty_value=None)
    group = forms.ModelChoiceField(label="代表组", queryset=DeputyGroup.objects.none(), required=False,
                                   empty_label="全部代表组", widget=group_search())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "全部年度"), *year_choices()]
        self.fields["group"].queryset = DeputyGroup.objects.visible_to(user)


class WrittenFilterForm(PlanFilterForm):
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *WrittenReport.Status.choices])


class MeetingFilterForm(PlanFilterForm):
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *DutyMeeting.Status.choices])


class WrittenOverviewForm(forms.Form):
    """The 提交情况 page's group search (its year is read by liaison.params.year_param, as before)."""

    group = forms.ModelChoiceField(label="代表组", queryset=DeputyGroup.objects.none(), required=False,
                                   empty_label="全部代表组", widget=group_search())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = DeputyGroup.objects.visible_to(user)


class PublicSearchForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=40,
                        widget=forms.TextInput(attrs={"placeholder": "代表姓名或报告内容"}))
    term = forms.TypedChoiceField(label="届次", required=False, coerce=int, empty_value=None)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None)
    group = forms.TypedChoiceField(label="代表组", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部类别"), *PublishedReport.Kind.choices])

    def __init__(self, *args, terms=(), years=(), groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = [("", "全部届次"), *[(t.pk, t.name) for t in terms]]
        self.fields["year"].choices = [("", "全部年度"), *[(y, f"{y}年") for y in years]]
        self.fields["group"].choices = [("", "全部代表组"), *[(g.pk, g.name) for g in groups]]


class SpotCheckDrawForm(forms.Form):
    group = forms.ModelChoiceField(label="代表组", queryset=DeputyGroup.objects.none(), empty_label="请选择代表组",
                                   widget=group_search())
    kind = forms.ChoiceField(label="抽查内容", choices=[])
    period_start = forms.DateField(label="记录起始日期", widget=DATE_INPUT)
    period_end = forms.DateField(label="记录截止日期", widget=DATE_INPUT)
    sample_size = forms.IntegerField(label="抽查份数", min_value=1, max_value=50, initial=5)

    def __init__(self, *args, groups=None, **kwargs):
        from .models import SpotCheck

        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups if groups is not None else DeputyGroup.objects.none()
        self.fields["kind"].choices = SpotCheck.Kind.choices
        today = timezone.localdate()
        self.fields["period_start"].initial = today.replace(month=1, day=1)
        self.fields["period_end"].initial = today


class SpotCheckConclusionForm(forms.Form):
    conclusion = forms.ChoiceField(label="抽查结论", choices=[], widget=forms.RadioSelect)
    findings = forms.CharField(label="发现的问题和意见", required=False, max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        from .models import SpotCheck

        super().__init__(*args, **kwargs)
        self.fields["conclusion"].choices = SpotCheck.Conclusion.choices
