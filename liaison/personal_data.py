"""The register of personal information (PIPL 《个人信息保护法》), in one place.

Every field of every model that holds a person's information is classed here
as ordinary (一般个人信息) or sensitive (敏感个人信息), with why it is kept and,
where the pages show it masked, how it is masked. A test walks every model
(liaison/tests/test_personal_data.py) and fails when a field that looks
personal has no class: adding one means deciding here what it is.

Fields that only look personal (a group's `name`, a mailbox's `location`) are
listed in NOT_PERSONAL with the reason.

This module imports no app's models, so every app (and the admin) can use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ORDINARY = "ordinary"
SENSITIVE = "sensitive"
KIND_LABELS = {ORDINARY: "一般个人信息", SENSITIVE: "敏感个人信息"}


# ---------------------------------------------------------------------------
# Masks: the one way pages and the admin show personal data partly.
# ---------------------------------------------------------------------------


def mask_name(name: str) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    if len(phone) >= 7:
        return phone[:3] + "****" + phone[-4:]
    return "****" if phone else ""


def mask_address(address: str) -> str:
    return (address[:6] + "……") if len(address) > 6 else ("……" if address else "")


def mask_contact(contact: str) -> str:
    """A free contact field (a phone, an e-mail or an address): keep only its first and last characters."""
    if not contact:
        return ""
    digits = re.sub(r"\D", "", contact)
    if len(digits) >= 7 and len(digits) >= len(contact) - 3:
        return mask_phone(contact)
    if "@" in contact:
        local, _, domain = contact.partition("@")
        return (local[:1] + "***@" + domain) if domain else "***"
    return mask_address(contact)


def mask_email(email: str) -> str:
    return mask_contact(email) if email else ""


MASKS = {"name": mask_name, "phone": mask_phone, "address": mask_address, "contact": mask_contact,
         "email": mask_email}


@dataclass(frozen=True)
class PersonalField:
    kind: str
    purpose: str
    mask: str | None = None  # a key of MASKS: the admin shows the field masked until someone unmasks it

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def masked(self, value) -> str:
        text = "" if value is None else str(value)
        return MASKS[self.mask](text) if self.mask else text


def _ordinary(purpose: str, mask: str | None = None) -> PersonalField:
    return PersonalField(ORDINARY, purpose, mask)


def _sensitive(purpose: str, mask: str | None = None) -> PersonalField:
    return PersonalField(SENSITIVE, purpose, mask)


# "app_label.ModelName" → field name → class. Historical (audit) copies of a
# model are covered by the model's own entry.
PERSONAL_FIELDS: dict[str, dict[str, PersonalField]] = {
    "liaison.User": {
        "username": _ordinary("登录账号"),
        "first_name": _ordinary("用户姓名，用于通知和记录经办人"),
        "last_name": _ordinary("用户姓名，用于通知和记录经办人"),
        "email": _ordinary("发送工作通知", mask="email"),
        "phone": _ordinary("工作联系", mask="phone"),
    },
    "liaison.AccessLog": {
        "ip_address": _ordinary("安全审计：谁在何处查看了个人信息"),
    },
    "liaison.AuditEvent": {
        "username": _ordinary("安全审计：登录和操作记录（失败的登录保留输入的用户名）"),
        "ip_address": _ordinary("安全审计：操作来自的地址"),
    },
    "liaison.RosterImport": {
        "content": _ordinary("上传的名册文件，导入完成或被拒后即删除"),
        "errors": _ordinary("名册中出错的行的说明（可能含姓名、电话），供上传人改正"),
    },
    "liaison.TextMessage": {
        "phone": _ordinary("发送工作短信（不含个人信息的固定内容）", mask="phone"),
    },
    "axes.AccessAttempt": {
        "username": _ordinary("登录失败记录，防止暴力破解"),
        "ip_address": _ordinary("登录失败记录，防止暴力破解"),
        "user_agent": _ordinary("登录失败记录，防止暴力破解"),
        "get_data": _ordinary("登录失败记录（不含密码）"),
        "post_data": _ordinary("登录失败记录（不含密码）"),
    },
    "axes.AccessFailureLog": {
        "username": _ordinary("登录失败记录"),
        "ip_address": _ordinary("登录失败记录"),
        "user_agent": _ordinary("登录失败记录"),
    },
    "axes.AccessLog": {
        "username": _ordinary("登录记录"),
        "ip_address": _ordinary("登录记录"),
        "user_agent": _ordinary("登录记录"),
    },
    "deputies.Community": {
        "contact_person": _ordinary("社区/单位联系人，代表组联系工作"),
        "contact_phone": _ordinary("社区/单位联系人电话（工作电话，页面上不脱敏）"),
    },
    "deputies.Department": {
        "contact_person": _ordinary("承办部门联系人，转交办理"),
        "contact_phone": _ordinary("承办部门联系人电话"),
    },
    "deputies.Deputy": {
        "name": _ordinary("代表名册（依法公开）"),
        "gender": _ordinary("代表名册（依法公开）"),
        "ethnicity": _ordinary("代表名册（依法公开）"),
        "birth_month": _ordinary("代表名册，区分同名代表"),
        "party": _ordinary("代表名册（依法公开）"),
        "work_unit": _ordinary("代表名册（依法公开）"),
        "phone": _ordinary("联络工委联系代表", mask="phone"),
    },
    "constituents.Constituent": {
        "name": _ordinary("联系选民、办理和反馈群众诉求", mask="name"),
        "phone": _ordinary("联系选民、反馈办理结果", mask="phone"),
        "address": _ordinary("走访选民、反馈办理结果", mask="address"),
        # Membership of a vulnerable group (特困户、低收入家庭、孤寡病残弱…) tells a
        # person's finances or health: sensitive under PIPL art. 28.
        "category": _sensitive("“三问”对象类别；弱势群体身份属于敏感个人信息"),
        "note": _ordinary("工作人员备注，可能含个人情况", mask="address"),
    },
    "constituents.ActivityPhoto": {
        "image": _ordinary("活动照片，可能拍到选民（上传时去除位置等 EXIF 信息）"),
    },
    "constituents.Problem": {
        "result_proxy_contact": _ordinary("代录时部门提供情况的联系人（工作记录）"),
    },
    "constituents.Forwarding": {
        "accept_proxy_contact": _ordinary("代录签收时部门联系人（工作记录）"),
        "reply_proxy_contact": _ordinary("代录答复时部门联系人（工作记录）"),
        "return_proxy_contact": _ordinary("代录退办时部门联系人（工作记录）"),
    },
    "constituents.ExtensionRequest": {
        "proxy_contact": _ordinary("代录延期申请时部门联系人（工作记录）"),
    },
    "mailbox.Opening": {
        "opened_by": _ordinary("信箱开启人（工作记录）"),
        "witness": _ordinary("信箱开启见证人（工作记录）"),
    },
    "mailbox.Letter": {
        "sender_name": _ordinary("来信人姓名，反馈办理结果", mask="name"),
        "sender_contact": _ordinary("来信人联系方式，反馈办理结果", mask="contact"),
    },
    # Large Excel exports (issue 12 §2): the file may hold constituents' names and phones
    # (only those the requester may see whole); it is deleted after EXPORT_KEEP_DAYS.
    "liaison.ExportJob": {
        "file": _ordinary("后台导出的 Excel 文件，可能含申请人有权查看的选民个人信息（保存 7 天后删除）"),
        "params": _ordinary("导出的筛选条件，可能含查询的姓名"),
        "ip_address": _ordinary("安全审计：申请导出时的地址"),
    },
    "reports.PublishedReport": {
        "deputy_name": _ordinary("公开刊登的代表述职（依法公开）"),
    },
}

# Fields whose names look personal but are not, with the reason.
NOT_PERSONAL: dict[str, str] = {
    "auth.Group.name": "权限组名称",
    "auth.Permission.name": "权限名称",
    "django_celery_beat.PeriodicTask.name": "定时任务名称",
    "django_celery_beat.ClockedSchedule.clocked_time": "定时任务时间",
    "liaison.WorkdayOverride.name": "节日名称",
    "deputies.Term.name": "届次名称",
    "deputies.SubDistrict.name": "办事处名称",
    "deputies.SubDistrict.address": "办事处办公地址（机构地址）",
    "deputies.DeputyGroup.name": "代表组名称",
    "deputies.Constituency.name": "选区名称",
    "deputies.Community.name": "社区/单位名称",
    "deputies.Department.name": "部门名称",
    "mailbox.Mailbox.name": "信箱名称",
    "mailbox.Mailbox.location": "信箱设置地点（公共场所）",
    "reports.PublishedReport.constituency_name": "选区名称",
    "sessions.Session.session_key": "会话标识",
    "constituents.Forwarding.needs_contact": "是否需要联系反映人（勾选项，不含个人信息）",
    "constituents.ForwardingAttachment.original_name": "部门答复附件的文件名",
    "liaison.Notification.email_attempts": "邮件发送次数",
    "liaison.Notification.email_claimed_until": "邮件发送占用时间",
    "liaison.Notification.email_error": "邮件服务器的错误信息",
    "otp_totp.TOTPDevice.name": "动态口令设备名称",
    "reports.RenderedPdf.fallback_name": "打印文件的英文文件名",
    "liaison.RosterImport.file_title": "上传的名册文件名",
}

# What a field's name or type says about it: the test flags any such field
# that is neither registered above nor listed as not personal.
PERSONAL_NAME = re.compile(
    r"(^|_)(name|username|phone|mobile|tel|telephone|address|email|e_mail|sender|contact|witness|opened_by|"
    r"id_number|id_card|identity|birth|birthday|gender|sex|ethnicity|party|user_agent|ip|person|photo|image|"
    r"avatar|location|gps|wechat|qq)($|_)"
)
PERSONAL_TYPES = frozenset({"EmailField", "GenericIPAddressField", "ImageField"})


def field_for(model_label: str, field_name: str) -> PersonalField | None:
    return PERSONAL_FIELDS.get(model_label, {}).get(field_name)


def masked_fields(model_label: str) -> dict[str, PersonalField]:
    """The fields of one model that pages (and the admin) show masked."""
    return {name: entry for name, entry in PERSONAL_FIELDS.get(model_label, {}).items() if entry.mask}


def looks_personal(field) -> bool:
    internal = field.get_internal_type() if hasattr(field, "get_internal_type") else ""
    return bool(PERSONAL_NAME.search(field.name)) or type(field).__name__ in PERSONAL_TYPES or internal in PERSONAL_TYPES
