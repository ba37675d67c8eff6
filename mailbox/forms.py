from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator, MinLengthValidator

from constituents.models import ProblemCategory
from deputies.models import Community, Constituency, Deputy, DeputyStatus
from liaison import limits
from liaison.models import User
from liaison.validators import normalize_phone, validate_mainland_phone

from .conf import mailbox_setting
from .models import Mailbox

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_LOCAL, **kwargs)


class MailboxForm(forms.Form):
    name = forms.CharField(label="信箱名称", max_length=80, help_text="如：幸福里社区代表信箱")
    location = forms.CharField(label="设置地点", max_length=200, help_text="如：幸福里社区党群服务中心门口")
    community = forms.ModelChoiceField(
        label="所在社区/单位", queryset=Community.objects.none(), required=False, empty_label="（不指定）",
        help_text="选民可以按社区找到这个信箱。",
    )
    deputies = forms.ModelMultipleChoiceField(
        label="服务代表", queryset=Deputy.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
    )
    set_up_on = forms.DateField(label="设立日期", widget=DateInput())
    keeping = forms.ChoiceField(
        label="管理方式", choices=Mailbox.Keeping.choices, widget=forms.RadioSelect,
        help_text="代表信箱一般由代表本人管理；特殊情况下可委托代表组联络员管理。",
    )
    keeper_deputy = forms.ModelChoiceField(
        label="保管代表", queryset=Deputy.objects.none(), required=False, empty_label="（请选择）"
    )
    entrusted_to = forms.ModelChoiceField(
        label="受托联络员", queryset=User.objects.none(), required=False, empty_label="（请选择）"
    )
    entrusted_reason = forms.CharField(label="委托原因", max_length=200, required=False)
    entrusted_on = forms.DateField(label="委托日期", required=False, widget=DateInput())

    def __init__(self, *args, constituency: Constituency, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = constituency.communities.all()
        deputies = Deputy.objects.filter(constituency=constituency, status=DeputyStatus.SERVING)
        self.fields["deputies"].queryset = deputies
        self.fields["keeper_deputy"].queryset = deputies
        self.fields["entrusted_to"].queryset = constituency.group.liaisons.all()
        if editing:
            del self.fields["set_up_on"]


class RetireForm(forms.Form):
    retired_on = forms.DateField(label="撤除日期", widget=DateInput())


class OpeningForm(forms.Form):
    opened_at = forms.DateTimeField(
        label="开启时间", widget=DateTimeLocalInput(attrs={"autofocus": True}),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    opened_by = forms.CharField(label="开启人", max_length=40)
    witness = forms.CharField(label="见证人", max_length=40, required=False, help_text="可不填")
    letter_count = forms.IntegerField(label="来信数量", min_value=0, max_value=999, initial=0,
                                      help_text="没有来信也请登记开启，填 0。")
    note = forms.CharField(label="备注", max_length=200, required=False)


class PublicLetterForm(forms.Form):
    """The online letter. `website` is a honeypot: hidden from people, filled by bots."""

    deputy = forms.ModelChoiceField(
        label="写给哪位代表", queryset=Deputy.objects.none(), required=False, empty_label="本选区代表（不指定）"
    )
    category = forms.ChoiceField(label="反映哪方面的问题", choices=ProblemCategory.choices,
                                 initial=ProblemCategory.OTHER)
    text = forms.CharField(label="来信内容", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 8}))
    sender_name = forms.CharField(label="您的姓名", max_length=40, required=False, help_text="可不填，匿名来信同样办理。")
    sender_phone = forms.CharField(label="联系电话", max_length=20, required=False,
                                   help_text="可不填；留下电话，代表可以把办理结果告诉您。")
    website = forms.CharField(label="请勿填写此项", required=False,
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def __init__(self, *args, constituency: Constituency, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Deputy.objects.filter(
            constituency=constituency, status=DeputyStatus.SERVING
        )
        low, high = mailbox_setting("LETTER_MIN_CHARS"), mailbox_setting("LETTER_MAX_CHARS")
        self.fields["text"].min_length = low
        self.fields["text"].max_length = high
        self.fields["text"].help_text = f"{low}—{high} 字。请写清楚反映的问题、发生的地点和您的诉求。"
        self.fields["text"].validators = [MinLengthValidator(low), MaxLengthValidator(high)]
        self.fields["text"].error_messages.update({
            "min_length": f"来信内容太短，请至少写 {low} 个字。",
            "max_length": f"来信内容太长（最多 {high} 字），请精简后再提交。",
        })
        self.fields["text"].widget.attrs["maxlength"] = str(high)

    def clean(self):
        data = super().clean()
        if data.get("website"):
            # Shown on top: the field itself is hidden from people.
            raise forms.ValidationError("提交未通过校验，请刷新页面后重新填写。")
        return data

    def clean_sender_phone(self) -> str:
        phone = normalize_phone(self.cleaned_data.get("sender_phone"))
        validate_mainland_phone(phone)
        return phone

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if "\x00" in text:
            raise forms.ValidationError("来信内容含有无法识别的字符。")
        return text


class TrackForm(forms.Form):
    code = forms.CharField(label="查询码", max_length=40, widget=forms.TextInput(attrs={
        "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "autofocus": True,
    }))



class LetterRowForm(forms.Form):
    """One row of the opening form: a letter, typed fast."""

    text = forms.CharField(label="来信内容摘要", required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(
        attrs={"rows": 2, "class": "form-control form-control-sm", "aria-label": "来信内容摘要"}))
    category = forms.ChoiceField(label="问题类别", choices=ProblemCategory.choices, initial=ProblemCategory.OTHER,
                                 widget=forms.Select(attrs={"class": "form-select form-select-sm",
                                                            "aria-label": "问题类别"}))
    sender_name = forms.CharField(label="来信人", max_length=40, required=False, widget=forms.TextInput(
        attrs={"class": "form-control form-control-sm", "aria-label": "来信人"}))
    sender_contact = forms.CharField(label="联系方式", max_length=60, required=False, widget=forms.TextInput(
        attrs={"class": "form-control form-control-sm", "aria-label": "联系方式"}))
    deputy = forms.ModelChoiceField(label="交哪位代表", queryset=Deputy.objects.none(), required=False,
                                    empty_label="保管代表", widget=forms.Select(
                                        attrs={"class": "form-select form-select-sm", "aria-label": "交哪位代表"}))

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if deputies is not None:
            self.fields["deputy"].queryset = deputies

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        high = mailbox_setting("LETTER_MAX_CHARS")
        if len(text) > high:
            raise forms.ValidationError(f"内容太长（最多 {high} 字），请写摘要。")
        return text

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("text", "sender_name", "sender_contact"))

    def clean(self):
        data = super().clean()
        if not data.get("text") and (data.get("sender_name") or data.get("sender_contact")):
            self.add_error("text", "请填写来信内容摘要。")
        return data


class BaseLetterRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, deputies=None, **kwargs):
        self.deputies = deputies
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "deputies": self.deputies}

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, renderer=self.renderer, deputies=self.deputies)
        self.add_fields(form, None)
        return form

    def letters(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("text")]


LetterRowFormSet = forms.formset_factory(LetterRowForm, formset=BaseLetterRowFormSet, extra=1, max_num=200,
                                         absolute_max=200)


class DeliverForm(forms.Form):
    deputy = forms.ModelChoiceField(label="送交代表", queryset=Deputy.objects.none(), empty_label="（请选择）")
    delivered_at = forms.DateTimeField(label="送交时间", widget=DateTimeLocalInput(),
                                       input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"])

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies if deputies is not None else Deputy.objects.none()


class ReplyForm(forms.Form):
    reply = forms.CharField(label="代表回复意见", max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="准备如何处理：转交哪个部门、如何督办，告知代表组。")
    public_reply = forms.CharField(label="给来信人的答复（可公开）", required=False, max_length=limits.LONG_TEXT,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="来信人凭查询码可以看到这段话。请勿写姓名、电话、住址等个人信息。")


class SummaryForm(forms.Form):
    remarks = forms.CharField(label="联络员说明", required=False, max_length=limits.LONG_TEXT,
                              widget=forms.Textarea(attrs={"rows": 5}),
                              help_text="本季度信件收取、代表处理和问题解决情况的说明、建议。")


class IssueForm(forms.Form):
    title = forms.CharField(label="议题", max_length=120)
    note = forms.CharField(label="监督意见", max_length=limits.SHORT_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
