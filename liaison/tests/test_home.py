from __future__ import annotations

from django.urls import reverse


def test_each_role_sees_its_home(client_of, staff_user, committee_user, liaison_a, deputy_a, deputy_b):
    page = client_of(deputy_a.user).get(reverse("home")).content.decode()
    assert "张建国 代表，您好" in page and "甲代表组" in page and "第1选区" in page

    page = client_of(liaison_a).get(reverse("home")).content.decode()
    assert "我联系的代表组" in page and "甲代表组" in page and "乙代表组" not in page

    for user in (staff_user, committee_user):
        page = client_of(user).get(reverse("home")).content.decode()
        assert "全区代表组" in page and "甲代表组" in page and "乙代表组" in page


def test_deputy_account_without_record_gets_clear_message(client_of, db):
    from liaison.tests.factories import UserFactory

    page = client_of(UserFactory(username="newdeputy")).get(reverse("home")).content.decode()
    assert "还没有关联到本届代表档案" in page


def test_login_page_is_chinese_and_works(client, deputy_a):
    page = client.get(reverse("login")).content.decode()
    assert "登录代表联络系统" in page and 'lang="zh-hans"' in page
    bad = client.post(reverse("login"), {"username": "deputy_a", "password": "wrong"})
    assert "用户名或密码不正确" in bad.content.decode()
    good = client.post(reverse("login"), {"username": "deputy_a", "password": "Test@2026"})
    assert good.status_code == 302 and good.url == reverse("home")


def test_static_assets_are_served_by_the_app(client, db):
    response = client.get("/static/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200
    page = client.get(reverse("login")).content.decode()
    assert "cdn" not in page.lower() and "https://" not in page


def test_office_staff_can_manage_the_registry_in_the_admin(client_of, deputy_a):
    from liaison.models import Role
    from liaison.tests.factories import UserFactory

    staff = UserFactory(username="office", role=Role.STAFF, is_staff=True)
    client = client_of(staff)
    assert client.get(reverse("admin:deputies_deputy_changelist")).status_code == 200
    assert client.get(reverse("admin:constituents_constituent_import")).status_code == 200
    # Not the schedule (the system administrator's), accounts, lockouts or groups (三员分立).
    assert client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 403
    assert client.get(reverse("admin:liaison_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_group_table_rows_are_what_a_clerk_reads():
    from types import SimpleNamespace

    from liaison.templatetags.liaison_tags import group_rows

    stored = {"name": "<b>x</b>组", "get_absolute_url": "/deputies/groups/7/", "sub_district": {"name": "城关&办"},
              "serving_count": 1200, "left_count": 0, "constituency_count": 3}
    assert group_rows([stored], True) == (
        '\n<tr><td><a href="/deputies/groups/7/">&lt;b&gt;x&lt;/b&gt;组</a></td><td>城关&amp;办</td>\n'
        '<td class="text-end">1200</td><td class="text-end">0</td><td class="text-end">3</td></tr>\n'
    )
    row = SimpleNamespace(name="乙组", get_absolute_url=lambda: "/deputies/groups/8/",
                          sub_district=SimpleNamespace(name="东街"), serving_count=5, constituency_count=2)
    assert group_rows([row]) == (  # the group list: no 已离任 column
        '\n<tr><td><a href="/deputies/groups/8/">乙组</a></td><td>东街</td>\n'
        '<td class="text-end">5</td><td class="text-end">2</td></tr>\n'
    )
    assert group_rows([]) == ""
