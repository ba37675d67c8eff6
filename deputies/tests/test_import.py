"""The deputy roster in and out of Excel, as office staff use it."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from deputies.models import Deputy
from deputies.resources import DeputyResource
from deputies.tests.factories import ConstituencyFactory, DeputyFactory, DeputyGroupFactory
from liaison.importing import RosterXLSX, clean_name, parse_birth_month
from liaison.imports import progress_key, run_roster_import
from liaison.models import Role, RosterImport
from liaison.tests.factories import UserFactory
from liaison.tests.roster_tasks import confirm, run_queued

HEADER = ["序号", "姓名", "性别", "民族", "出生年月", "党派", "工作单位及职务", "联系电话", "选区", "代表组"]


def xlsx(rows, *, header=HEADER, titles=("第十八届区人大代表名册",)) -> bytes:
    """An .xlsx as offices keep it: merged title rows, then the header, then data."""
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


def run_import(content: bytes, user, *, dry_run: bool = False):
    dataset = RosterXLSX().create_dataset(content)
    return DeputyResource().import_data(dataset, dry_run=dry_run, user=user)


def row(name, birth, *, phone="13800000001", constituency="第1选区", group="甲代表组", gender="男", number=1):
    return [number, name, gender, "汉族", birth, "中共党员", "区第一中学教师", phone, constituency, group]


def all_errors(result) -> list[str]:
    return [message for invalid in result.invalid_rows for messages in invalid.error_dict.values()
            for message in messages]


def snapshot():
    return sorted(Deputy.objects.values_list("name", "birth_month", "phone", "group_id", "constituency_id"))


@pytest.mark.parametrize("raw,expected", [
    ("1975.03", dt.date(1975, 3, 1)), ("1975年3月", dt.date(1975, 3, 1)), ("1975-03", dt.date(1975, 3, 1)),
    ("1975/3", dt.date(1975, 3, 1)), ("１９７５．０３", dt.date(1975, 3, 1)), ("1975年03月15日", dt.date(1975, 3, 1)),
    (" 1975.1 ", dt.date(1975, 1, 1)), ("1975.10", dt.date(1975, 10, 1)), ("197503", dt.date(1975, 3, 1)),
    (1975.03, dt.date(1975, 3, 1)), (1975.3, dt.date(1975, 3, 1)), (1975.12, dt.date(1975, 12, 1)),
    (dt.datetime(1975, 3, 17), dt.date(1975, 3, 1)), (dt.date(1975, 3, 17), dt.date(1975, 3, 1)),
    ("1975-03-17 00:00:00", dt.date(1975, 3, 1)), (None, None), ("　", None),
])
def test_birth_month_forms(raw, expected):
    assert parse_birth_month(raw) == expected


@pytest.mark.parametrize("raw,fragment", [
    ("1975", "缺少月份"), ("1975.13", "月份 13 不存在"), ("七五年三月", "不是有效的出生年月"),
    (1975.1, "无法确定是1月还是10月"), ("1875.03", "年份 1875 不合理"), ("1975-02-30", "不是有效的日期"),
])
def test_birth_month_refusals_say_why(raw, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_birth_month(raw)


@pytest.mark.parametrize("raw,expected", [
    ("王　伟", "王伟"), (" 张建国 ", "张建国"), ("阿依古丽•买买提", "阿依古丽·买买提"), ("李\u200b娜", "李娜"),
])
def test_names_lose_padding(raw, expected):
    assert clean_name(raw) == expected


def test_roster_as_offices_keep_it_imports(staff_user, constituency_a, group_a):
    content = xlsx(
        [
            row("王　伟 ", "1975.03", phone="１３８１２３４５６７８", number=1),
            row("张丽", "1976年4月", phone=" 139 1234 5678 ", number=2),
            row("刘洋", "1977-05", constituency="  第1选区　", group="甲代表组 ", number=3),
            row("陈静", "1978/6", number=4),
            row("杨帆", dt.datetime(1979, 7, 21), number=5),
            row("赵磊", 1980.08, phone=13812345679, number=6),
            [None] * len(HEADER),  # a blank line inside the table
            row("黄敏", 1981.11, group="", gender="女性", number=7),
            ["注：本表由各代表组核对后报送。"],
        ],
        titles=("第十八届区人大代表名册", "（截至2026年11月）"),
    )
    result = run_import(content, staff_user)

    assert not result.has_errors() and not result.has_validation_errors(), all_errors(result)
    deputies = {d.name: d for d in Deputy.objects.select_related("group", "constituency")}
    assert set(deputies) == {"王伟", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"}
    assert [deputies[n].birth_month for n in ["王伟", "张丽", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"]] == [
        dt.date(1975, 3, 1), dt.date(1976, 4, 1), dt.date(1977, 5, 1), dt.date(1978, 6, 1),
        dt.date(1979, 7, 1), dt.date(1980, 8, 1), dt.date(1981, 11, 1),
    ]
    assert deputies["王伟"].phone == "13812345678"
    assert deputies["张丽"].phone == "13912345678"
    assert deputies["赵磊"].phone == "13812345679"
    assert deputies["黄敏"].gender == "女"
    assert all(d.group == group_a and d.constituency == constituency_a for d in deputies.values())
    assert all(d.term.is_current and d.is_serving for d in deputies.values())


def test_header_may_use_other_common_names(staff_user, constituency_a):
    header = ["姓  名", "性别", "出生日期", "政治面貌", "手机", "所在选区"]
    result = run_import(xlsx([["孙悦", "女", "1990.01", "群众", "13700000000", "第1选区"]], header=header), staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    deputy = Deputy.objects.get()
    assert (deputy.party, deputy.phone, deputy.birth_month) == ("群众", "13700000000", dt.date(1990, 1, 1))


@pytest.mark.parametrize("bad_row,excel_row,column,fragment", [
    (row("坏电话", "1980.01", phone="1381234"), 5, "联系电话", "不是有效的大陆电话号码"),
    (row("坏选区", "1980.01", constituency="第99选区"), 5, "选区", "没有名为“第99选区”的选区"),
    (row("坏代表组", "1980.01", group="丙代表组"), 5, "代表组", "没有名为“丙代表组”的代表组"),
    (row("错组", "1980.01", group="乙代表组"), 5, "代表组", "选区“第1选区”属于“甲代表组”，不属于“乙代表组”"),
    (row("坏日期", "1980.13"), 5, "出生年月", "月份 13 不存在"),
    (row("", "1980.01"), 5, "姓名", "姓名不能为空"),
    (row("没性别", "1980.01", gender="未知"), 5, "性别", "请填写“男”或“女”"),
    (row("李明", "1960.01"), 5, "姓名", "与第3行是同一名代表"),
])
def test_a_bad_row_is_named_and_nothing_is_saved(
    staff_user, constituency_a, constituency_b, group_b, bad_row, excel_row, column, fragment
):
    existing = DeputyFactory(constituency=constituency_a, name="周强", birth_month=dt.date(1970, 1, 1),
                             phone="13900000000")
    before = snapshot()
    content = xlsx([
        row("李明", "1960.01", number=1),  # Excel row 3: new, before the bad row
        row("周强", "1970.01", phone="13911111111", number=2),  # row 4: an update, before the bad row
        bad_row,  # row 5
        row("吴刚", "1962.02", number=4),  # row 6: after it
    ])

    result = run_import(content, staff_user)

    assert result.has_validation_errors()
    assert [invalid.number for invalid in result.invalid_rows] == [excel_row]
    message = f"第{excel_row}行“{column}”列："
    assert any(m.startswith(message) and fragment in m for m in all_errors(result)), all_errors(result)
    assert snapshot() == before
    existing.refresh_from_db()
    assert existing.phone == "13900000000"
    assert existing.history.count() == 1


def test_a_file_without_the_header_says_what_is_missing(staff_user, constituency_a):
    result = run_import(xlsx([["李明", "男"]], header=["姓名", "性别"]), staff_user)
    assert result.has_errors()
    assert "没有找到表头行" in str(result.base_errors[0].error)
    assert Deputy.objects.count() == 0


def test_reimport_updates_and_never_duplicates(staff_user, constituency_a):
    rows = [row("李明", "1960.01", number=1), row("吴刚", "1962.02", number=2)]
    run_import(xlsx(rows), staff_user)
    first_ids = set(Deputy.objects.values_list("pk", flat=True))

    again = run_import(xlsx(rows), staff_user)
    assert again.totals["skip"] == 2 and again.totals["new"] == 0

    rows[1][7] = "13711112222"
    changed = run_import(xlsx(rows), staff_user)

    assert changed.totals == {**changed.totals, "new": 0, "update": 1, "skip": 1}
    assert set(Deputy.objects.values_list("pk", flat=True)) == first_ids
    assert Deputy.objects.get(name="吴刚").phone == "13711112222"


def test_import_writes_history_with_the_acting_user(staff_user, constituency_a):
    run_import(xlsx([row("李明", "1960.01")]), staff_user)
    run_import(xlsx([row("李明", "1960.01", phone="13711112222")]), staff_user)

    records = list(Deputy.objects.get().history.order_by("history_date"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert all(r.history_user == staff_user for r in records)
    assert all(r.history_change_reason == "deputies.deputy.imported" for r in records)


def test_dry_run_saves_nothing(staff_user, constituency_a):
    result = run_import(xlsx([row("李明", "1960.01")]), staff_user, dry_run=True)
    assert result.totals["new"] == 1
    assert Deputy.objects.count() == 0


def test_export_reimports_unchanged(staff_user, term, constituency_a):
    DeputyFactory(constituency=constituency_a, name="李明", birth_month=dt.date(1975, 10, 1), phone="010-12345678",
                  party="民盟盟员", work_unit="=区第一中学", ethnicity="回族")
    DeputyFactory(constituency=constituency_a, name="吴刚", birth_month=None, phone="")
    old_term_deputy = DeputyFactory(
        constituency=ConstituencyFactory(term__number=17, term__is_current=False, term__start_date=dt.date(2019, 1, 1),
                                         term__end_date=dt.date(2023, 12, 31)),
        name="往届代表",
    )

    dataset = DeputyResource(user=staff_user).export(Deputy.objects.all())
    content = RosterXLSX().export_data(dataset)

    sheet = openpyxl.load_workbook(BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "性别", "民族", "出生年月", "党派", "工作单位及职务", "联系电话", "选区", "代表组")
    assert ("李明", "男", "回族", "1975.10", "民盟盟员", "=区第一中学", "010-12345678", "第1选区", "甲代表组") in rows
    work_unit = next(cell for cell in sheet["F"] if cell.value == "=区第一中学")
    assert work_unit.data_type != "f"  # text, not a formula
    assert old_term_deputy.name not in {r[0] for r in rows}

    before = snapshot()
    result = run_import(content, staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    assert result.totals["skip"] == 2 and result.totals["update"] == 0 and result.totals["new"] == 0
    assert snapshot() == before


def test_no_current_term_is_explained(staff_user, term, constituency_a):
    term.is_current = False
    term.save()
    result = run_import(xlsx([row("李明", "1960.01")]), staff_user)
    assert "还没有设置本届届次" in str(result.base_errors[0].error)


# -- the admin ------------------------------------------------------------------


def office_admin(user, *codenames):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def roster_staff(staff_user):
    return office_admin(staff_user, "add_deputy", "change_deputy", "view_deputy")


def upload(content: bytes, name="代表名册.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


ENGLISH = ["This importer will import", "File to import", 'value="Submit"', ">Format", ">Import<", ">Export<",
           ">Home<", "Line number", "Some rows failed", "Non field specific"]


def test_admin_import_pages_speak_chinese(client_of, roster_staff, constituency_a):
    client = client_of(roster_staff)
    changelist = client.get(reverse("admin:deputies_deputy_changelist")).content.decode()
    assert ">导入<" in changelist and ">导出<" in changelist

    page = client.get(reverse("admin:deputies_deputy_import")).content.decode()
    assert "必须有的列" in page and "姓名、性别、出生年月、选区" in page
    bad = run_queued(client, client.post(reverse("admin:deputies_deputy_import"),
                                         {"format": "0", "import_file": upload(xlsx([row("李明", "1960.13")]))}))
    bad = bad.content.decode()
    export = client.get(reverse("admin:deputies_deputy_export")).content.decode()
    for html in (changelist, page, bad, export):
        assert not [english for english in ENGLISH if english in html]


def test_admin_import_as_staff_previews_then_saves(client_of, roster_staff, constituency_a):
    client = client_of(roster_staff)
    content = xlsx([row("李明", "1960.01"), row("吴刚", "1962.02", number=2)])

    preview = run_queued(client, client.post(reverse("admin:deputies_deputy_import"),
                                             {"format": "0", "import_file": upload(content)}))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "确认导入" in page and "新增 2 名代表" in page
    assert Deputy.objects.count() == 0  # the check is a dry run

    done = confirm(client, preview)

    assert "导入完成：新增 2 名代表" in done.content.decode()
    assert RosterImport.objects.get().content == b""  # the roster file is not kept once imported
    deputy = Deputy.objects.get(name="李明")
    record = deputy.history.get()
    assert record.history_user == roster_staff and record.history_change_reason == "deputies.deputy.imported"
    assert {entry.change_message for entry in LogEntry.objects.filter(user=roster_staff)} == {"通过 Excel 导入新增"}


def test_admin_import_of_a_bad_file_shows_row_and_column(client_of, roster_staff, constituency_a):
    client = client_of(roster_staff)
    content = xlsx([row("李明", "1960.01"), row("吴刚", "1962.02", phone="12345", number=2)])

    response = run_queued(client, client.post(reverse("admin:deputies_deputy_import"),
                                              {"format": "0", "import_file": upload(content)}))

    page = response.content.decode()
    assert "第4行“联系电话”列：“12345”不是有效的大陆电话号码" in page
    assert "文件无法导入" in page and "一条也没有保存" in page and "确认导入" not in page
    assert Deputy.objects.count() == 0


def test_admin_import_of_something_else_is_refused_in_chinese(client_of, roster_staff):
    response = client_of(roster_staff).post(
        reverse("admin:deputies_deputy_import"), {"format": "0", "import_file": upload(b"not a spreadsheet", "a.xls")}
    )
    assert "不是可以识别的Excel（.xlsx）文件" in response.content.decode()


def test_admin_import_of_an_empty_sheet_is_refused_in_chinese(client_of, roster_staff):
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    stream = BytesIO()
    book.save(stream)
    client = client_of(roster_staff)
    response = run_queued(client, client.post(
        reverse("admin:deputies_deputy_import"), {"format": "0", "import_file": upload(stream.getvalue())}
    ))
    assert "工作表中没有数据行" in response.content.decode()


def test_admin_export_downloads_the_roster(client_of, roster_staff, deputy_a):
    client = client_of(roster_staff)
    page = client.get(reverse("admin:deputies_deputy_export")).content.decode()
    assert "导出本届代表名册" in page

    response = client.post(reverse("admin:deputies_deputy_export"), {"format": "0"})

    assert response.status_code == 200
    assert "filename*=utf-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%86%8C" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(BytesIO(response.content)).active
    assert sheet["A2"].value == deputy_a.name


def test_committee_and_liaisons_cannot_import(client_of, constituency_a):
    for role in (Role.COMMITTEE, Role.LIAISON):
        user = office_admin(UserFactory(role=role), "add_deputy", "change_deputy", "view_deputy")
        response = client_of(user).get(reverse("admin:deputies_deputy_import"))
        assert response.status_code == 403


def test_group_b_constituency_can_be_imported_alongside(staff_user, constituency_a, constituency_b, group_b):
    result = run_import(xlsx([row("李明", "1960.01"), row("吴刚", "1962.02", constituency="第2选区", group="乙代表组")]),
                        staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    assert Deputy.objects.get(name="吴刚").group == group_b


def test_many_rows_import_with_flat_lookups(staff_user, term, django_assert_max_num_queries):
    group = DeputyGroupFactory(name="丙代表组")
    ConstituencyFactory(term=term, group=group, name="第3选区")
    rows = [row(f"代表{i:03d}", f"19{60 + i % 30}.{i % 12 + 1:02d}", constituency="第3选区", group="丙代表组",
                number=i) for i in range(60)]
    dataset = RosterXLSX().create_dataset(xlsx(rows))
    # Per row: a savepoint and its release, the natural-key look-up, the insert
    # and the history row; the term, constituencies and groups load once.
    with django_assert_max_num_queries(60 * 5 + 10):
        result = DeputyResource().import_data(dataset, user=staff_user)
    assert result.totals["new"] == 60


@pytest.mark.parametrize("phone", ["013812345678", "0000-0000000", "12345678", "400-123-4567"])
def test_a_phone_without_area_code_or_mobile_form_names_row_and_column(staff_user, constituency_a, phone):
    # 013812345678 passed as a "landline" before: a mobile with a stray 0 in front.
    content = xlsx([row("李明", "1960.01"), row("吴刚", "1962.02", phone=phone, number=2)])
    result = run_import(content, staff_user)
    assert [invalid.number for invalid in result.invalid_rows] == [4]
    assert any(m.startswith("第4行“联系电话”列：") and "不是有效的大陆电话号码" in m for m in all_errors(result))
    assert Deputy.objects.count() == 0


def test_mobile_and_landline_in_usual_forms_are_accepted(staff_user, constituency_a):
    content = xlsx([row("李明", "1960.01", phone="138-1234-5678"), row("吴刚", "1962.02", phone="0571-87654321",
                                                                       number=2)])
    result = run_import(content, staff_user)
    assert not result.has_validation_errors(), all_errors(result)
    assert sorted(Deputy.objects.values_list("phone", flat=True)) == ["0571-87654321", "13812345678"]


def test_columns_the_roster_does_not_read_are_listed_in_the_preview(client_of, roster_staff, constituency_a):
    header = [*HEADER, "籍贯", "学历"]
    content = xlsx([[*row("李明", "1960.01"), "浙江杭州", "本科"]], header=header)
    result = run_import(content, roster_staff, dry_run=True)
    assert result.ignored_columns == ["籍贯", "学历"]

    client = client_of(roster_staff)
    preview = run_queued(client, client.post(reverse("admin:deputies_deputy_import"),
                                             {"format": "0", "import_file": upload(content)}))
    page = preview.content.decode()
    assert "确认导入" in page
    assert "以下列系统不认识，导入时将被忽略" in page and "籍贯、学历" in page


def test_a_roster_with_only_known_columns_warns_about_nothing(client_of, roster_staff, constituency_a):
    client = client_of(roster_staff)
    preview = run_queued(client, client.post(reverse("admin:deputies_deputy_import"),
                                             {"format": "0", "import_file": upload(xlsx([row("李明", "1960.01")]))}))
    assert "导入时将被忽略" not in preview.content.decode()


# -- set-based, and run as a task (issue 11) --------------------------------------------------------


def many_rows(count: int, start: int = 0) -> list[list]:
    return [row(f"代表{i:05d}", f"19{60 + i % 30}.{i % 12 + 1:02d}", number=i + 1) for i in range(start, start + count)]


def test_import_runs_a_few_statements_per_thousand_rows(staff_user, constituency_a, django_assert_max_num_queries):
    """Looked up in batches and written in bulk: not five statements a row. (On PostgreSQL a
    thousand rows are one INSERT and one for their history; SQLite's limit on query parameters
    splits them into a few dozen, still a statement per fifteen rows at most.)"""
    from django.db import connection

    DeputyFactory(constituency=constituency_a, name="代表00000", birth_month=dt.date(1960, 1, 1))
    dataset = RosterXLSX().create_dataset(xlsx(many_rows(1200)))
    with django_assert_max_num_queries(30 if connection.vendor == "postgresql" else 1200 // 15):
        result = DeputyResource().import_data(dataset, user=staff_user)
    assert result.totals["new"] == 1199 and result.totals["update"] == 1
    assert Deputy.objects.count() == 1200


def test_bulk_import_writes_a_history_row_for_every_deputy(staff_user, constituency_a):
    DeputyFactory(constituency=constituency_a, name="代表00001", birth_month=dt.date(1961, 2, 1), phone="")
    rows = many_rows(30)
    rows[1][7] = "13711112222"  # 代表00001 gets a phone: an update

    run_import(xlsx(rows), staff_user)

    history = Deputy.history.filter(history_change_reason="deputies.deputy.imported")
    assert history.filter(history_type="+").count() == 29
    assert history.filter(history_type="~").get().phone == "13711112222"
    assert set(history.values_list("history_user", flat=True)) == {staff_user.pk}


def test_the_check_task_saves_nothing_and_the_import_task_saves_all(client_of, roster_staff, constituency_a):
    client = client_of(roster_staff)
    upload_response = client.post(reverse("admin:deputies_deputy_import"),
                                  {"format": "0", "import_file": upload(xlsx(many_rows(40)))})
    checked = run_queued(client, upload_response)

    assert 'data-testid="import-checked"' in checked.content.decode()
    assert Deputy.objects.count() == 0 and not Deputy.history.exists()

    done = confirm(client, checked)

    assert 'data-testid="import-done"' in done.content.decode()
    assert Deputy.objects.count() == 40 and Deputy.history.count() == 40
    assert LogEntry.objects.filter(user=roster_staff).count() == 40


def test_row_errors_of_a_large_file_are_reported_by_row(client_of, roster_staff, constituency_a):
    rows = many_rows(700)
    rows[650][2] = "不详"  # 性别
    client = client_of(roster_staff)
    page = run_queued(client, client.post(reverse("admin:deputies_deputy_import"),
                                          {"format": "0", "import_file": upload(xlsx(rows))})).content.decode()
    assert "第653行“性别”列：“不详”不是有效的性别" in page
    assert "确认导入" not in page and Deputy.objects.count() == 0
    job = RosterImport.objects.get()
    assert job.state == RosterImport.State.REFUSED and job.content == b""


def test_progress_is_shown_while_the_task_works(client_of, roster_staff, constituency_a):
    from django.core.cache import cache

    client = client_of(roster_staff)
    response = client.post(reverse("admin:deputies_deputy_import"),
                           {"format": "0", "import_file": upload(xlsx(many_rows(5)))})
    job = RosterImport.objects.get()
    cache.set(progress_key(job.pk), 42)
    page = client.get(response.url).content.decode()
    assert "正在检查" in page and 'value="42"' in page and "data-auto-refresh" in page
    cache.delete(progress_key(job.pk))


def test_the_resource_reports_progress_as_rows_are_read(staff_user, constituency_a):
    seen = []
    resource = DeputyResource()
    resource.progress = lambda done, total: seen.append((done, total))
    resource.import_data(RosterXLSX().create_dataset(xlsx(many_rows(1100))), user=staff_user, dry_run=True)
    assert seen == [(500, 1100), (1000, 1100)]


def test_only_the_uploader_sees_the_import(client_of, roster_staff, constituency_a):
    response = client_of(roster_staff).post(reverse("admin:deputies_deputy_import"),
                                            {"format": "0", "import_file": upload(xlsx(many_rows(2)))})
    other = office_admin(UserFactory(role=Role.STAFF), "add_deputy", "change_deputy", "view_deputy")
    assert client_of(other).get(response.url).status_code == 404
    assert client_of(other).post(response.url).status_code == 404


def test_a_finished_import_runs_no_second_time(client_of, roster_staff, constituency_a):
    client = client_of(roster_staff)
    done = confirm(client, run_queued(client, client.post(
        reverse("admin:deputies_deputy_import"), {"format": "0", "import_file": upload(xlsx(many_rows(3)))})))
    assert 'data-testid="import-done"' in done.content.decode()
    job = RosterImport.objects.get()
    assert not run_roster_import(job.pk)
    assert client.post(done.wsgi_request.path, follow=True).status_code == 200
    assert Deputy.objects.count() == 3
