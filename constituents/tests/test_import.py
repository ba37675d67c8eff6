"""The constituent register in and out of Excel, as office staff use it."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from constituents.models import Constituent, ConstituentCategory
from constituents.resources import ConstituentResource
from constituents.tests.factories import ConstituentFactory
from deputies.tests.factories import CommunityFactory, ConstituencyFactory
from liaison.importing import RosterXLSX
from liaison.models import AccessLog
from liaison.tests.roster_tasks import confirm, run_queued

HEADER = ["序号", "姓名", "联系电话", "社区", "类别"]


def xlsx(rows, *, header=HEADER, titles=("幸福里社区选民联系名册",)) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for title in titles:
        sheet.append([title])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = BytesIO()
    book.save(stream)
    return stream.getvalue()


def run_import(content: bytes, user):
    dataset = RosterXLSX().create_dataset(content)
    return ConstituentResource().import_data(dataset, user=user)


def all_errors(result) -> list[str]:
    return [message for invalid in result.invalid_rows for messages in invalid.error_dict.values()
            for message in messages]


def snapshot():
    return sorted(Constituent.objects.values_list("name", "phone", "community_id", "category", "address"))


def test_register_as_offices_keep_it_imports(staff_user, community_a, community_b):
    content = xlsx([
        [1, "王　芳 ", "１３８１２３４５６７８", "幸福里社区 ", "低收入家庭"],
        [2, "李建华", 13912345678, "　光明社区", " 特困户 "],
        [3, "赵敏", "", "幸福里社区", "一般选民"],
        [4, "钱学文", "0571-87654321", "光明社区", "文化程度较高的选民"],
        [5, "孙大爷", "13700000000", "幸福里社区", ""],
    ])

    result = run_import(content, staff_user)

    assert not result.has_errors() and not result.has_validation_errors(), all_errors(result)
    people = {c.name: c for c in Constituent.objects.all()}
    assert people["王芳"].phone == "13812345678" and people["王芳"].community == community_a
    assert people["王芳"].category == ConstituentCategory.LOW_INCOME
    assert people["李建华"].category == ConstituentCategory.EXTREME_HARDSHIP
    assert people["李建华"].phone == "13912345678" and people["李建华"].community == community_b
    assert people["赵敏"].phone == ""
    assert people["钱学文"].category == ConstituentCategory.WELL_EDUCATED
    assert people["孙大爷"].category == ConstituentCategory.ORDINARY  # an empty 类别 is an ordinary voter


def test_ambiguous_community_asks_for_the_constituency_column(staff_user, community_a, constituency_b):
    CommunityFactory(constituency=constituency_b, name="幸福里社区")
    before = snapshot()

    result = run_import(xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭"]]), staff_user)

    assert result.has_validation_errors()
    (message,) = all_errors(result)
    assert message.startswith("第3行“社区”列：")
    assert "在多个选区都有（第1选区、第2选区）" in message and "增加一列“选区”" in message
    assert snapshot() == before

    with_constituency = xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭", "第2选区"]],
                             header=[*HEADER, "选区"])
    result = run_import(with_constituency, staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    assert Constituent.objects.get().community.constituency == constituency_b


@pytest.mark.parametrize("bad_row,column,fragment", [
    ([3, "坏类别", "13800000003", "幸福里社区", "困难户"], "类别", "“困难户”不是选民类别，应为以下之一：特困户、"),
    ([3, "坏电话", "1380000", "幸福里社区", "一般选民"], "联系电话", "不是有效的大陆电话号码"),
    ([3, "坏社区", "13800000003", "幸福村", "一般选民"], "社区", "没有名为“幸福村”的社区/单位"),
    ([3, None, "13800000003", "幸福里社区", "一般选民"], "姓名", "姓名不能为空"),
    ([3, "王芳", "13812345678", "幸福里社区", "一般选民"], "姓名", "与第3行是同一位选民"),
])
def test_a_bad_row_is_named_and_nothing_is_saved(staff_user, community_a, bad_row, column, fragment):
    existing = ConstituentFactory(community=community_a, name="李大妈", phone="13900000000",
                                  category=ConstituentCategory.ORDINARY)
    before = snapshot()
    content = xlsx([
        [1, "王芳", "13812345678", "幸福里社区", "低收入家庭"],  # Excel row 3: new
        [2, "李大妈", "13900000000", "幸福里社区", "孤寡病残弱"],  # row 4: an update
        bad_row,  # row 5
        [4, "赵敏", "13700000000", "幸福里社区", "一般选民"],  # row 6
    ])

    result = run_import(content, staff_user)

    assert [invalid.number for invalid in result.invalid_rows] == [5]
    assert any(m.startswith(f"第5行“{column}”列：") and fragment in m for m in all_errors(result)), all_errors(result)
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.category == ConstituentCategory.ORDINARY


def test_reimport_updates_and_never_duplicates(staff_user, community_a):
    rows = [[1, "王芳", "13812345678", "幸福里社区", "低收入家庭"], [2, "赵敏", "13700000000", "幸福里社区", "一般选民"]]
    run_import(xlsx(rows), staff_user)
    ids = set(Constituent.objects.values_list("pk", flat=True))

    rows[0][4] = "零就业家庭"
    result = run_import(xlsx(rows), staff_user)

    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, 1)
    assert set(Constituent.objects.values_list("pk", flat=True)) == ids
    assert Constituent.objects.get(name="王芳").category == ConstituentCategory.ZERO_EMPLOYMENT


def test_import_writes_history_with_the_acting_user(staff_user, community_a):
    run_import(xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭"]]), staff_user)
    run_import(xlsx([[1, "王芳", "13812345678", "幸福里社区", "特困户"]]), staff_user)

    records = list(Constituent.objects.get().history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert {r.history_user for r in records} == {staff_user}
    assert {r.history_change_reason for r in records} == {"constituents.constituent.imported"}


def test_export_logs_each_constituent_and_reimports_unchanged(staff_user, community_a, community_b):
    people = [
        ConstituentFactory(community=community_a, name="王芳", category=ConstituentCategory.LOW_INCOME,
                           address="幸福里3号"),
        ConstituentFactory(community=community_b, name="李建华", phone="", note="行动不便，上门走访"),
    ]
    old_term = ConstituencyFactory(term__number=17, term__is_current=False, term__start_date="2019-01-01",
                                   term__end_date="2023-12-31")
    ConstituentFactory(community=CommunityFactory(constituency=old_term), name="往届选民")

    resource = ConstituentResource(user=staff_user, ip_address="10.0.0.8")
    content = RosterXLSX().export_data(resource.export(Constituent.objects.all()))

    rows = list(openpyxl.load_workbook(BytesIO(content)).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "联系电话", "社区", "类别", "选区", "住址", "备注")
    assert ("王芳", people[0].phone, "幸福里社区", "低收入家庭", "第1选区", "幸福里3号", None) in rows
    assert "往届选民" not in {r[0] for r in rows}
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORTED)
    assert sorted(logs.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in people)
    assert {(log.user, log.ip_address, log.object_repr) for log in logs} >= {(staff_user, "10.0.0.8", "王*")}

    before = snapshot()
    result = run_import(content, staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 2)
    assert snapshot() == before


def test_export_without_an_acting_user_is_refused(community_a):
    from django.core.exceptions import ImproperlyConfigured

    ConstituentFactory(community=community_a)
    with pytest.raises(ImproperlyConfigured):
        ConstituentResource().export(Constituent.objects.all())
    assert not AccessLog.objects.exists()


# -- the admin ------------------------------------------------------------------


@pytest.fixture
def register_staff(staff_user):
    staff_user.is_staff = True
    staff_user.save()
    staff_user.user_permissions.add(*Permission.objects.filter(
        codename__in=["add_constituent", "change_constituent", "view_constituent"]
    ))
    return staff_user


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("选民名册.xlsx", content)


def test_admin_import_as_staff(client_of, register_staff, community_a):
    client = client_of(register_staff)
    page = client.get(reverse("admin:constituents_constituent_import")).content.decode()
    assert "姓名、联系电话、社区、类别" in page

    content = xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭"]])
    preview = run_queued(client, client.post(reverse("admin:constituents_constituent_import"),
                                             {"format": "0", "import_file": upload(content)}))
    assert "确认导入" in preview.content.decode()
    done = confirm(client, preview)

    assert "导入完成：新增 1 位选民" in done.content.decode()
    record = Constituent.objects.get().history.get()
    assert record.history_user == register_staff
    assert record.history_change_reason == "constituents.constituent.imported"


def test_admin_import_of_unknown_category_names_row_and_column(client_of, register_staff, community_a):
    content = xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭"], [2, "赵敏", "13700000000", "幸福里社区", "贫困户"]])
    client = client_of(register_staff)
    response = run_queued(client, client.post(
        reverse("admin:constituents_constituent_import"), {"format": "0", "import_file": upload(content)}
    ))
    assert "第4行“类别”列：“贫困户”不是选民类别" in response.content.decode()
    assert not Constituent.objects.exists()


def test_admin_export_is_logged_with_the_address(client_of, register_staff, community_a):
    constituent = ConstituentFactory(community=community_a)
    client = client_of(register_staff)
    assert "每次导出都会记入" in client.get(reverse("admin:constituents_constituent_export")).content.decode()

    response = client.post(reverse("admin:constituents_constituent_export"), {"format": "0"},
                           REMOTE_ADDR="192.168.1.20")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.object_id, log.ip_address) == (
        register_staff, AccessLog.Action.EXPORTED, str(constituent.pk), "192.168.1.20"
    )


def test_export_needs_office_staff(client_of, committee_user, community_a):
    committee_user.is_staff = True
    committee_user.save()
    committee_user.user_permissions.add(Permission.objects.get(codename="view_constituent"))
    ConstituentFactory(community=community_a)

    response = client_of(committee_user).post(reverse("admin:constituents_constituent_export"), {"format": "0"})

    assert response.status_code == 403
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("phone", ["013812345678", "0000-0000000", "87654321"])
def test_a_phone_that_is_neither_mobile_nor_landline_names_row_and_column(staff_user, community_a, phone):
    content = xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭"], [2, "赵敏", phone, "幸福里社区", "一般选民"]])
    result = run_import(content, staff_user)
    assert [invalid.number for invalid in result.invalid_rows] == [4]
    assert any(m.startswith("第4行“联系电话”列：") for m in all_errors(result)), all_errors(result)
    assert Constituent.objects.count() == 0


def test_unknown_columns_are_named_as_ignored(staff_user, community_a):
    content = xlsx([[1, "王芳", "13812345678", "幸福里社区", "低收入家庭", "女", None]],
                   header=[*HEADER, "性别", None])
    result = run_import(content, staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    # 序号 is expected and skipped quietly; an empty nameless column holds nothing to lose.
    assert result.ignored_columns == ["性别"]
