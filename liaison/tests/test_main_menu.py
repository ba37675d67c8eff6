"""The role's menu in the navigation bar is rendered once per process for each kind of account
(liaison_tags.main_menu): every account must still see exactly its own role's menu."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from deputies.models import Deputy, DeputyStatus
from liaison.models import Role, User
from liaison.templatetags import liaison_tags
from liaison.tests.factories import UserFactory


def menu_of(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("notifications")).content.decode()
    return page[page.index('<ul class="navbar-nav me-auto">'):page.index('<ul class="navbar-nav">')]


def test_each_account_sees_the_menu_of_its_own_role(client, staff_user, committee_user, liaison_a, deputy_a):
    department = UserFactory(username="dept_a", role=Role.DEPARTMENT)
    auditor = UserFactory(username="auditor", role=Role.AUDIT_ADMIN, is_staff=True)
    liaison_tags._menus.clear()
    for user in [staff_user, committee_user, liaison_a, deputy_a.user, department, auditor, staff_user, deputy_a.user]:
        # What the page shows is what the menu template gives for this very account, uncached.
        assert menu_of(client, user).strip() == render_to_string("_main_menu.html", {"user": user}).strip()
    assert "管理后台" in menu_of(client, staff_user) and "管理后台" not in menu_of(client, deputy_a.user)
    assert "承办单位工作台" in menu_of(client, department) and "群众诉求" not in menu_of(client, department)
    assert "审计日志" in menu_of(client, auditor)


def test_a_deputy_who_left_office_is_not_offered_what_serving_deputies_are(client, deputy_a, deputy_b):
    assert "登记群众诉求" in menu_of(client, deputy_a.user)  # a serving deputy's menu is now kept
    # Left yesterday; the account is closed by the nightly job, so it is still signed in today.
    Deputy.objects.filter(pk=deputy_b.pk).update(status=DeputyStatus.RESIGNED,
                                                 left_on=timezone.localdate() - dt.timedelta(days=1))
    menu = menu_of(client, User.objects.get(pk=deputy_b.user_id))
    assert "群众诉求" in menu and "登记群众诉求" not in menu
