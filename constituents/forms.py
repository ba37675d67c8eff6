"""Forms: they read and check what a person typed; the services decide and save."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from deputies.models import Community, Constituency, Department, Deputy, DeputyStatus
from liaison import limits
from liaison.autocomplete import search_when_many
from liaison.autocomplete_multiple import AutocompleteMultipleWidget, search_many_when_many
from liaison.params import MAX_ID

from .conf import casework_setting
from .models import (
    ActivityForm,
    ActivityOrganizer,
    AskType,
    CallbackResult,
    Constituent,
    ConstituentCategory,
    FeedbackMethod,
    FollowUpMethod,
    Forwarding,
    Problem,
    ProblemCategory,
    ResultClass,
    Satisfaction,
    Suggestion,
)
from .services import validate_photo


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DateInput(), error_messages={"invalid": "请输入正确的日期。"}, **kwargs)


class ConstituentChoiceField(forms.ModelMultipleChoiceField):
    """Constituents are shown masked in pickers: family name, community, phone tail, category."""

    @staticmethod
    def label_for(obj: Constituent) -> str:
        tail = f" · 尾号{obj.phone[-4:]}" if obj.phone else ""
        return f"{obj.masked_name} · {obj.community.name}{tail} · {obj.get_category_display()}"

    def label_from_instance(self, obj: Constituent) -> str:
        return self.label_for(obj)


class ConstituencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Constituency) -> str:
        return f"{obj.name}（{obj.group.name}）"


class DeputyChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Deputy) -> str:
        return f"{obj.name}（{obj.constituency.name}）"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultiplePhotoField, self).clean(upload, initial) for upload in uploads]
        limit = casework_setting("PHOTOS_PER_ACTIVITY")
        if len(cleaned) > limit:
            raise ValidationError(f"每次活动最多上传 {limit} 张照片。")
        for upload in cleaned:
            validate_photo(upload)
        return cleaned


class ContactActivityForm(forms.Form):
    organizer = forms.ChoiceField(label="组织方式", choices=ActivityOrganizer.choices, initial=ActivityOrganizer.PERSONAL)
    deputies = DeputyChoiceField(
        label="参加代表", queryset=Deputy.objects.none(), widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="代表组统一组织的活动可选多位代表，每位都计入本年活动次数。",
        error_messages={"required": "请选择参加活动的代表。"},
    )
    held_on = date_field("活动日期")
    ask_type = forms.ChoiceField(label="“三问”类型", choices=AskType.choices)
    form = forms.ChoiceField(label="活动形式", choices=ActivityForm.choices)
    place = forms.CharField(label="活动地点", max_length=120)
    constituency = ConstituencyChoiceField(
        label="活动所在选区", queryset=Constituency.objects.none(),
        error_messages={"required": "请先选择活动所在选区。", "invalid_choice": "请先选择活动所在选区。"},
    )
    constituents = ConstituentChoiceField(
        label="联系的选民（已登记）", queryset=Constituent.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="按姓名或电话后四位查找，勾选见到的选民。",
    )
    crowd_count = forms.IntegerField(
        label="其他参加选民人数", min_value=0, initial=0, help_text="未逐一登记姓名的选民人数，如座谈会、公益活动现场。",
        error_messages={"min_value": "人数不能为负数。"},
    )
    summary = forms.CharField(label="活动情况", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultiplePhotoField(
        label="活动照片", help_text="可多选；每张不超过 10 MB，须为 JPG、PNG 等图片。保存失败时需重新选择照片。"
    )

    def __init__(self, *args, user, constituency: Constituency | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        deputies = (
            Deputy.objects.visible_to(user).filter(term__is_current=True, status=DeputyStatus.SERVING)
            .select_related("constituency")
        )
        if user.is_deputy:
            deputies = deputies.filter(user=user)
            self.fields["organizer"].choices = [(ActivityOrganizer.PERSONAL, ActivityOrganizer.PERSONAL.label)]
        elif constituency is not None:  # the service's rule: the deputies of the constituency's group
            deputies = deputies.filter(group_id=constituency.group_id)
        self.fields["deputies"].queryset = deputies
        if user.is_deputy:
            self.fields["deputies"].widget = forms.MultipleHiddenInput()
        constituencies = Constituency.objects.visible_to(user).filter(term__is_current=True).select_related("group")
        self.fields["constituency"].queryset = constituencies
        search_when_many(self.fields["constituency"], "autocomplete_constituencies", "输入选区或代表组名称查找")
        if constituency is not None:
            self.fields["constituency"].initial = constituency.pk
            self.fields["constituents"].queryset = (
                Constituent.objects.visible_to(user).filter(community__constituency=constituency)
                .select_related("community").order_by("community__name", "name")
            )


class NewConstituentForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=40, required=False)
    community = forms.ModelChoiceField(label="社区/单位", queryset=Community.objects.none(), required=False,
                                       empty_label="请选择")
    category = forms.ChoiceField(label="类别", choices=ConstituentCategory.choices,
                                 initial=ConstituentCategory.ORDINARY)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["community"].queryset = communities

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("community"):
            self.add_error("community", "请选择新增选民所在的社区/单位。")
        if data.get("community") and not data.get("name"):
            self.add_error("name", "请填写新增选民的姓名。")
        return data


class RaisedProblemForm(forms.Form):
    text = forms.CharField(label="反映的问题", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False)
    category = forms.ChoiceField(label="问题类别", choices=[("", "请选择")] + ProblemCategory.choices, required=False)
    is_livelihood = forms.BooleanField(label="民生问题", required=False)
    raisers = forms.MultipleChoiceField(label="反映人", required=False, widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args, raiser_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raisers"].choices = list(raiser_choices)

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("category"):
            self.add_error("category", "请选择问题类别。")
        return data


# The visit form starts short: one problem row and no new-constituent row; a
# button adds a row at a time (views_activities.FORM_ACTIONS).
NewConstituentFormSet = forms.formset_factory(NewConstituentForm, extra=0, max_num=20)
RaisedProblemFormSet = forms.formset_factory(RaisedProblemForm, extra=1, max_num=20)


class PhotoForm(forms.Form):
    image = forms.ImageField(label="照片", error_messages={"invalid_image": "请上传 JPG、PNG 等图片文件。"})
    caption = forms.CharField(label="说明", max_length=100, required=False)

    def clean_image(self):
        image = self.cleaned_data["image"]
        validate_photo(image)
        return image


# --- casework ---------------------------------------------------------------


class ProblemRegisterForm(forms.Form):
    source = forms.ChoiceField(label="来源", choices=Problem.Source.choices, initial=Problem.Source.VISIT)
    deputy = forms.ModelChoiceField(label="责任代表", queryset=Deputy.objects.none(), required=False,
                                    empty_label="（暂不指定）")
    constituency = forms.ModelChoiceField(label="选区", queryset=Constituency.objects.none())
    text = forms.CharField(label="反映内容", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    is_livelihood = forms.BooleanField(label="民生问题", required=False)
    raised_on = date_field("反映日期")
    constituents = ConstituentChoiceField(
        label="反映人", queryset=Constituent.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}), help_text="可不选（如匿名反映）。",
    )

    def __init__(self, *args, user, constituency: Constituency | None, **kwargs):
        super().__init__(*args, **kwargs)
        deputies = Deputy.objects.visible_to(user).filter(term__is_current=True, status=DeputyStatus.SERVING)
        if user.is_deputy:
            deputies = deputies.filter(user=user)
            self.fields["deputy"].required = True
            self.fields["deputy"].empty_label = None
        if constituency is not None:  # the 责任代表 is one of the constituency's group (clean, below)
            deputies = deputies.filter(group_id=constituency.group_id)
        self.fields["deputy"].queryset = deputies.select_related("constituency")
        self.fields["constituency"].queryset = Constituency.objects.visible_to(user).filter(term__is_current=True)
        search_when_many(self.fields["constituency"], "autocomplete_constituencies", "输入选区或代表组名称查找")
        if constituency is not None:
            self.fields["constituency"].initial = constituency.pk
            self.fields["constituents"].queryset = (
                Constituent.objects.visible_to(user).filter(community__constituency=constituency)
                .select_related("community").order_by("community__name", "name")
            )

    def clean(self):
        data = super().clean()
        deputy, constituency = data.get("deputy"), data.get("constituency")
        if deputy and constituency and deputy.group_id != constituency.group_id:
            self.add_error("deputy", "责任代表与选区不属于同一个代表组。")
        return data


class ProblemEditForm(forms.Form):
    text = forms.CharField(label="反映内容", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    is_livelihood = forms.BooleanField(label="民生问题", required=False)
    deputy = forms.ModelChoiceField(label="责任代表", queryset=Deputy.objects.none(), required=False,
                                    empty_label="（暂不指定）")

    def __init__(self, *args, problem: Problem, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Deputy.objects.visible_to(user).filter(
            group_id=problem.group_id, term__is_current=True, status=DeputyStatus.SERVING
        )


class ForwardForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label="承办部门", queryset=Department.objects.filter(is_active=True),
        widget=forms.SelectMultiple(attrs={"size": 8}), error_messages={"required": "请至少选择一个承办部门。"},
    )
    forwarded_on = date_field("转交日期")
    deadline_days = forms.IntegerField(
        label="答复期限（工作日）", min_value=1, max_value=120, required=False,
        help_text="按工作日计算，自动扣除法定节假日、计入调休上班日；留空按默认天数。",
    )
    deadline = date_field("或指定答复期限", required=False, help_text="填写后以此日期为准。")
    needs_contact = forms.BooleanField(
        label="需要联系反映人", required=False,
        help_text="勾选后承办单位可以看到反映人的姓名和联系方式，每次查看都会记录。",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline_days"].initial = casework_setting("REPLY_WORKING_DAYS")


class ForwardingChoiceForm(forms.Form):
    forwarding = forms.ModelChoiceField(label="承办部门", queryset=Forwarding.objects.none(), empty_label=None)

    def __init__(self, *args, forwardings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if forwardings is not None:
            self.fields["forwarding"].queryset = forwardings
            self.fields["forwarding"].label_from_instance = lambda f: f"{f.department.name}（{f.get_status_display()}）"


class AcceptForm(ForwardingChoiceForm):
    accepted_on = date_field("受理日期")


class MultipleAttachmentField(forms.FileField):
    """PDF or images; what they really are is checked by content in liaison/uploads.py (check_upload)."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "application/pdf,image/*", "multiple": True})

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleAttachmentField, self).clean(upload, initial) for upload in uploads]


class ReplyForm(ForwardingChoiceForm):
    replied_on = date_field("答复日期")
    result_class = forms.ChoiceField(label="答复类别", choices=ResultClass.choices)
    reply_text = forms.CharField(label="部门答复内容", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleAttachmentField(label="附件", help_text="可上传答复函等 PDF 或图片，最多 5 个。")


class ExtensionForm(ForwardingChoiceForm):
    new_deadline = date_field("申请延至")
    reason = forms.CharField(label="延期理由", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ExtensionDecisionForm(forms.Form):
    extension = forms.ModelChoiceField(label="延期申请", queryset=Forwarding.objects.none(), empty_label=None)
    decision = forms.ChoiceField(label="审批", choices=[("approve", "同意延期"), ("refuse", "不同意")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="审批意见", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           help_text="不同意时必须写明理由。")

    def __init__(self, *args, extensions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if extensions is not None:
            self.fields["extension"].queryset = extensions
            self.fields["extension"].label_from_instance = lambda e: (
                f"{e.forwarding.department.name}：由{e.old_deadline:%Y年%-m月%-d日}延至"
                f"{e.requested_deadline:%Y年%-m月%-d日}（{e.reason[:30]}）"
            )


class CallbackForm(forms.Form):
    called_on = date_field("回访日期")
    constituent = forms.ModelChoiceField(label="回访对象", queryset=Constituent.objects.none(), required=False,
                                         empty_label="匿名或未登记姓名的反映人")
    result = forms.ChoiceField(label="回访结果", choices=CallbackResult.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="回访情况", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           help_text="不满意时请记录原因。")

    def __init__(self, *args, raisers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if raisers is not None and raisers.exists():
            self.fields["constituent"].queryset = raisers
            self.fields["constituent"].required = True
            self.fields["constituent"].empty_label = None
            self.fields["constituent"].label_from_instance = lambda c: f"{c.masked_name}（{c.community.name}）"
        else:
            self.fields["constituent"].widget = forms.HiddenInput()


class SendBackForm(forms.Form):
    sent_on = date_field("发回日期")
    callback = forms.ModelChoiceField(label="依据的回访", queryset=Constituent.objects.none(), empty_label=None)
    reason = forms.CharField(label="发回重办的理由", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             help_text="留空则使用回访记录的不满意原因。")

    def __init__(self, *args, callbacks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if callbacks is not None:
            self.fields["callback"].queryset = callbacks
            self.fields["callback"].label_from_instance = lambda c: (
                f"{c.constituent.masked_name if c.constituent_id else '反映人'}：{c.note[:40]}"
            )


def add_proxy_field(form: forms.Form, department=None) -> None:
    """代录: a liaison or the office records a department's step and names the department's contact."""
    form.fields["proxy_contact"] = forms.CharField(
        label="代录：部门联系人", max_length=40, required=True,
        initial=department.contact_person if department is not None else "",
        help_text="部门未在平台上办理时由您代为登记，请写明提供情况的部门联系人。",
        error_messages={"required": "代录部门的办理情况，请写明该部门的联系人。"},
    )


class ReturnForm(ForwardingChoiceForm):
    returned_on = date_field("退办日期")
    reason = forms.CharField(label="退办理由", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolved_on = date_field("办结日期")
    result_summary = forms.CharField(
        label="办理结果", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="将告知反映人，也会显示在公开查询页：请勿填写姓名、电话、住址等个人信息。",
    )


class UnsolvableForm(forms.Form):
    decided_on = date_field("日期")
    reason = forms.CharField(label="暂不能解决的原因", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    result_summary = forms.CharField(
        label="告知反映人的说明", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False,
        help_text="留空则使用上面的原因；请勿填写个人信息。",
    )


class FeedbackForm(forms.Form):
    when = date_field("反馈日期")
    how = forms.ChoiceField(label="反馈方式", choices=FeedbackMethod.choices)
    constituents = ConstituentChoiceField(
        label="已告知的选民", queryset=Constituent.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="不选表示已告知全部待反馈的反映人。",
    )
    note = forms.CharField(label="反馈情况", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, waiting=None, **kwargs):
        super().__init__(*args, **kwargs)
        if waiting is not None:
            self.fields["constituents"].queryset = waiting
        if waiting is None or not waiting.exists():
            del self.fields["constituents"]


class ReopenForm(forms.Form):
    reopened_on = date_field("日期")
    reason = forms.CharField(label="选民不满意的理由", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))


class RemindForm(forms.Form):
    """催办 needs nothing typed: every department of this round that has not answered is notified today."""


class FollowUpForm(forms.Form):
    followed_on = date_field("督办日期")
    method = forms.ChoiceField(label="督办方式", choices=FollowUpMethod.choices)
    forwarding = forms.ModelChoiceField(label="督办部门", queryset=Forwarding.objects.none(), required=False,
                                        empty_label="（不针对某一部门）")
    department_said = forms.CharField(label="部门答复情况", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}),
                                      help_text="记录部门怎么说，不代替部门作答。")
    note = forms.CharField(label="备注", required=False)

    def __init__(self, *args, forwardings=None, **kwargs):
        super().__init__(*args, **kwargs)
        if forwardings is not None:
            self.fields["forwarding"].queryset = forwardings
            self.fields["forwarding"].label_from_instance = lambda f: f.department.name


# --- suggestions --------------------------------------------------------------


class ProblemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Problem) -> str:
        place = obj.constituency.name if obj.constituency_id else "—"
        return f"[{obj.get_category_display()}·{place}] {obj.text[:40]}"


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Suggestion.Kind.choices, initial=Suggestion.Kind.SUGGESTION)
    title = forms.CharField(label="标题（案由）", max_length=200)
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices)
    lead_deputy = forms.ModelChoiceField(label="领衔代表", queryset=Deputy.objects.none(), empty_label=None)
    proposers = DeputyChoiceField(
        label="联名代表", queryset=Deputy.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}), help_text="议案须由多名代表联名（默认至少 10 名，含领衔代表）。",
    )
    content = forms.CharField(label="内容（理由和办法）", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 6}))
    research_notes = forms.CharField(label="调研论证情况", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}), required=False)
    problems = ProblemChoiceField(
        label="相关群众诉求", queryset=Problem.objects.none(), required=False,
        help_text="已选的诉求可取消勾选；下方列出同类别最近的诉求，勾选即加入。输入内容查找其他诉求（查找需启用 JavaScript）。",
    )

    @staticmethod
    def serving_deputies():
        """Joint proposers may come from any group of the district: every serving deputy of the term."""
        return Deputy.objects.filter(term__is_current=True, status=DeputyStatus.SERVING).select_related(
            "constituency"
        )

    def __init__(self, *args, user, problems, editing: bool = False, search_url: str = "", offered_problems=None,
                 **kwargs):
        """`problems`: every problem the user may link (validation); `offered_problems`: the few shown unchecked.
        `search_url`: the page itself, which answers ?search=proposers|problems&q= (views_suggestions)."""
        super().__init__(*args, **kwargs)
        serving = self.serving_deputies()
        leads = serving.visible_to(user) if not user.sees_district else serving
        if user.is_deputy:
            leads = leads.filter(user=user)
        self.fields["lead_deputy"].queryset = leads
        if not user.is_deputy:  # a deputy's own single choice stays a select
            search_when_many(self.fields["lead_deputy"], "autocomplete_deputies", "输入代表姓名查找")
        self.fields["proposers"].queryset = serving
        search_many_when_many(self.fields["proposers"], f"{search_url}?search=proposers", "输入代表姓名查找，选中即加入")
        if isinstance(self.fields["proposers"].widget, AutocompleteMultipleWidget):
            self.fields["proposers"].help_text += "已选的代表可取消勾选；查找代表需启用 JavaScript。"
        # Never every problem (3M at province scale): the chosen ones, a bounded offer, and a search.
        self.fields["problems"].queryset = problems
        self.fields["problems"].widget = AutocompleteMultipleWidget(
            f"{search_url}?search=problems", "输入诉求内容查找，选中即加入",
            offered=offered_problems, extra_params=("category",),
        )
        self.fields["problems"].widget.choices = self.fields["problems"].choices
        if editing:
            for name in ("kind", "lead_deputy", "category"):
                del self.fields[name]


class SubmitForm(forms.Form):
    submitted_on = date_field("提交日期")


class AssignForm(forms.Form):
    assigned_on = date_field("交办日期")
    lead_department = forms.ModelChoiceField(label="主办部门", queryset=Department.objects.filter(is_active=True))
    co_departments = forms.ModelMultipleChoiceField(
        label="协办部门", queryset=Department.objects.filter(is_active=True), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class SuggestionReplyForm(forms.Form):
    replied_on = date_field("答复日期")
    result_class = forms.ChoiceField(label="答复类别", choices=ResultClass.choices)
    reply_text = forms.CharField(label="答复内容", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 5}),
                                 help_text="答复将送达每一条相关群众诉求，并为每位反映人生成待反馈事项。")


class SatisfactionForm(forms.Form):
    satisfaction = forms.ChoiceField(label="代表满意度", choices=Satisfaction.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="代表意见", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 2}), required=False)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="并入的主件", queryset=Suggestion.objects.none(), empty_label="请选择已交办的主件",
        help_text="内容相同的议案/建议可以并案办理：本件交由主件的承办部门办理，主件答复后本件同时答复，每位代表都会收到答复。",
    )


class LinkForm(forms.Form):
    """并入: the case a newly registered problem is linked into (a hidden field on the problem page)."""

    main = forms.IntegerField(min_value=1, max_value=MAX_ID)
