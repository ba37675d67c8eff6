"""What keeps pages fast at a province's scale: search-as-you-type filters, capped counts,
stored district figures and the daily digest's link (perf, issue 11)."""

from __future__ import annotations

from django.urls import reverse

from constituents.tests.factories import ProblemFactory
from deputies.tests.factories import DeputyFactory


def test_deputy_search_returns_only_whom_the_person_may_see(client_of, liaison_a, staff_user, deputy_a, deputy_b):
    url = reverse("autocomplete_deputies")
    mine = client_of(liaison_a).get(url, {"q": ""}).json()["results"]
    assert [row["id"] for row in mine] == [deputy_a.pk]
    found = client_of(staff_user).get(url, {"q": deputy_b.name[1:]}).json()["results"]
    assert deputy_b.pk in [row["id"] for row in found]


def test_search_needs_a_login(client):
    assert client.get(reverse("autocomplete_groups")).status_code == 302


def test_search_answers_at_most_twenty_in_a_fixed_number_of_queries(client_of, staff_user, deputy_a,
                                                                     assert_flat_queries):
    def grow():
        for _ in range(25):
            DeputyFactory(term=deputy_a.term, constituency=deputy_a.constituency)

    response = assert_flat_queries(client_of(staff_user), reverse("autocomplete_deputies"), grow=grow)
    assert len(response.json()["results"]) == 20


def test_case_list_filters_by_deputy_without_listing_every_deputy(client_of, staff_user, deputy_a, deputy_b):
    ProblemFactory(deputy=deputy_a, text="甲的诉求")
    ProblemFactory(deputy=deputy_b, text="乙的诉求")
    response = client_of(staff_user).get(reverse("constituents:problem_list"), {"deputy": deputy_b.pk})
    html = response.content.decode()
    assert f'<option value="{deputy_a.pk}"' not in html  # no full <select> of deputies
    assert 'data-autocomplete-url="/autocomplete/deputies/"' in html
    assert f'value="{deputy_b.name}"' in html  # the chosen deputy's name is shown in the search box
    assert "乙的诉求" in html and "甲的诉求" not in html
    assert "<script>" not in html  # CSP: the widget's script is a static file


def test_letter_list_group_filter_is_a_search_box(client_of, staff_user, group_a):
    html = client_of(staff_user).get(reverse("mailbox:letter_list"), {"group": group_a.pk}).content.decode()
    assert 'data-autocomplete-url="/autocomplete/groups/"' in html
    assert f'value="{group_a.name}"' in html


def test_staff_home_reads_stored_figures_and_says_when(client_of, staff_user, deputy_a):
    from liaison.tasks import refresh_district_figures

    ProblemFactory(deputy=deputy_a)
    client = client_of(staff_user)
    first = client.get(reverse("home"))
    assert "数据更新于" in first.content.decode()
    assert first.context["waiting_forward"] == 1
    ProblemFactory(deputy=deputy_a)
    assert client.get(reverse("home")).context["waiting_forward"] == 1  # stored, not recounted per view
    refresh_district_figures.delay().get()
    assert client.get(reverse("home")).context["waiting_forward"] == 2


def test_a_liaison_home_counts_live_within_the_group(client_of, liaison_a, deputy_a):
    ProblemFactory(deputy=deputy_a)
    client = client_of(liaison_a)
    assert client.get(reverse("home")).context["waiting_forward"] == 1
    ProblemFactory(deputy=deputy_a)
    response = client.get(reverse("home"))
    assert response.context["waiting_forward"] == 2
    assert "数据更新于" not in response.content.decode()


def test_the_replica_router_sends_only_lag_tolerant_reads_outside_transactions(db, monkeypatch):
    from django.db import connections

    from deputies.models import Deputy
    from liaison.db_router import ReplicaRouter
    from liaison.models import FigureSnapshot

    router = ReplicaRouter()
    assert router.db_for_read(FigureSnapshot) is None  # no replica configured: everything on the primary
    monkeypatch.setitem(connections.databases, "replica", connections.databases["default"])
    assert router.db_for_read(Deputy) is None
    assert router.db_for_write(FigureSnapshot) == "default"
    assert router.allow_migrate("replica", "liaison") is False
    # Tests run inside a transaction: a read there must see its own writes, so it stays on the primary.
    assert router.db_for_read(FigureSnapshot) == "default"


def test_generate_scale_fills_every_table_it_names_and_adds_nothing_twice(db, staff_user, community_a, monkeypatch):
    """The benchmark's data generator writes raw SQL: a model that gains a NOT NULL column must be
    named there too, or `make bench` breaks. SQLite is refused in Chinese."""
    import pytest
    from django.core.management import CommandError, call_command
    from django.db import connection

    from constituents.models import Forwarding, Problem
    from liaison.management.commands import generate_scale

    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL"):
            call_command("generate_scale", "--scale", "district")
        return
    tiny = generate_scale.Scale(deputies=30, groups=4, problems=400, mailboxes=12, constituents=200,
                                departments=5, opening_weeks=3)
    monkeypatch.setitem(generate_scale.SCALES, "district", tiny)

    def schema():  # the loads drop indexes and foreign keys and must put every one back
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexrelid::regclass::text || indkey::text || indisunique::text || "
                           "(indpred IS NULL)::text FROM pg_index WHERE indrelid::regclass::text NOT LIKE 'pg_%%' "
                           "UNION ALL SELECT conname || pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE contype = 'f'")
            return sorted(row[0] for row in cursor.fetchall())

    before = schema()
    call_command("generate_scale", "--scale", "district", stdout=open("/dev/null", "w"))
    assert schema() == before
    assert Problem.objects.count() == 400
    assert Forwarding.objects.exists()
    assert Problem.objects.filter(state=Problem.State.FED_BACK).exclude(result_source="").exists()
    # The stored earliest open deadlines are set, and agree with the forwardings (nothing to repair).
    from constituents.services.deadlines import open_deadlines_repair

    assert Problem.objects.filter(open_deadline__isnull=False).exists()
    assert open_deadlines_repair() == 0
    call_command("generate_scale", "--scale", "district", stdout=open("/dev/null", "w"))
    assert Problem.objects.count() == 400


def test_filter_selects_render_as_django_does(client_of, staff_user):
    """The list filters' selects are built in Python (perf): the same markup as Django's templates."""
    import re

    from django import forms
    from django.utils.translation import gettext_lazy

    from liaison.forms import render_select

    grouped = forms.Select(choices=[("", "全部"), ("a", "<甲>"), ("组", [("b", "乙")])], attrs={"class": "form-select"})
    flat = forms.Select(choices=[(None, "全部"), ("a", '"甲"&'), (2026, "2026年"), ("a", "重复"), ("c", gettext_lazy("Yes"))],
                        attrs={"class": "form-select", "required": True, "disabled": False})
    for widget in (grouped, flat):
        for value in ("a", "b", "", None, 2026, "2026", ["c"], '"><'):
            expected = re.sub(r"\s*\n\s*", "", widget.render("state", value, attrs={"id": "id_state"}))
            assert render_select(widget, "state", value, attrs={"id": "id_state"}) == expected
    html = client_of(staff_user).get(reverse("constituents:problem_list"), {"state": "handling"}).content.decode()
    assert '<option value="handling" selected>' in html


def test_the_yes_no_filter_and_the_field_columns_render_as_django_does(rf, staff_user):
    """django-filter's 是/否 select and the filter form's columns are built in Python too (perf)."""
    import re

    from django.template import Context, Template
    from django_filters.widgets import BooleanWidget

    from constituents.filters import ProblemFilter
    from constituents.models import Problem
    from liaison.forms import render_boolean

    widget = BooleanWidget(attrs={"class": "form-select"})
    widget.choices = [("", "全部"), ("true", "是"), ("false", "否")]
    for value in (True, False, None, "1", "0", "x"):
        expected = re.sub(r"\s*\n\s*", "", widget.render("is_livelihood", value, attrs={"id": "id_l"}))
        assert render_boolean(widget, "is_livelihood", value, attrs={"id": "id_l"}) == expected
    reference = Template(
        "{% for field in form %}{% if field.is_hidden %}{{ field }}{% else %}<div class=\"col-6 col-sm-4 col-lg-2 "
        "mb-3\"><label class=\"form-label\" for=\"{{ field.id_for_label }}\">{{ field.label }}</label>{{ field }}"
        "{% for error in field.errors %}<div class=\"invalid-feedback d-block\">{{ error }}</div>{% endfor %}</div>"
        "{% endif %}{% endfor %}")
    ours = Template("{% load liaison_tags %}{% filter_fields form %}")
    for query in ({}, {"state": "bogus", "is_livelihood": "true", "year": "1800", "q": "<路灯>"},
                  {"constituency": "x", "view": "overdue"}):
        form = ProblemFilter(query, queryset=Problem.objects.all(), user=staff_user).form
        form.is_valid()
        assert ours.render(Context({"form": form})) == reference.render(Context({"form": form}))


def test_object_links_are_the_reversed_urls(deputy_a):
    """Problem and letter links reverse once per process (perf) and stay what reverse() gives."""
    from constituents.models import Problem
    from liaison.links import reverse_pk

    problem = ProblemFactory(deputy=deputy_a)
    assert Problem.objects.get(pk=problem.pk).get_absolute_url() == reverse("constituents:problem_detail",
                                                                           args=[problem.pk])
    for pk in (1, 42, 10**9):
        assert reverse_pk("mailbox:letter_detail", pk) == reverse("mailbox:letter_detail", args=[pk])


def test_filter_inputs_render_as_django_does():
    """The filters' text and hidden inputs are built in Python (perf): the same markup as input.html."""
    import re

    from django import forms

    from liaison.forms import PLAIN_INPUTS, render_input

    for widget in (forms.TextInput(attrs={"class": "form-control", "maxlength": 40}), forms.HiddenInput(),
                   forms.NumberInput(attrs={"min": 1, "required": True, "disabled": False})):
        assert widget.template_name in PLAIN_INPUTS
        for value in ("路灯", '"><script>', "", None, 7):
            expected = re.sub(r"\s*\n\s*", "", widget.render("q", value, attrs={"id": "id_q"}))
            assert render_input(widget, "q", value, attrs={"id": "id_q"}) == expected


def test_the_chosen_deputy_shows_by_name_in_its_search_box(client_of, staff_user, deputy_b):
    html = client_of(staff_user).get(reverse("constituents:problem_list"), {"deputy": deputy_b.pk}).content.decode()
    assert f'<input type="hidden" name="deputy" id="id_deputy" value="{deputy_b.pk}">' in html
    assert (f'<input type="search" class="form-control" list="id_deputy_options" autocomplete="off" '
            f'value="{deputy_b}"') in html
    assert 'placeholder="输入代表姓名查找" aria-label="输入代表姓名查找"' in html
    assert '<datalist id="id_deputy_options"></datalist>' in html
    # A typed id the person may not see (or none at all) leaves the box empty, never another's name.
    html = client_of(staff_user).get(reverse("constituents:problem_list"), {"deputy": "99999"}).content.decode()
    assert 'list="id_deputy_options" autocomplete="off" value=""' in html


def test_the_year_filter_follows_a_new_current_term(client_of, staff_user, term):
    from deputies.models import Term

    url = reverse("constituents:problem_list")
    assert '<option value="2024">2024年</option>' in client_of(staff_user).get(url).content.decode()
    term.is_current = False
    term.save()
    Term.objects.create(name="第十九届", number=19, start_date=term.end_date.replace(year=2029, month=1, day=1),
                        end_date=term.end_date.replace(year=2033), is_current=True)
    html = client_of(staff_user).get(url).content.decode()
    assert '<option value="2024">2024年</option>' not in html  # the kept years were forgotten on save
    assert '<option value="2029">2029年</option>' in html


def test_the_redis_cache_keeps_one_client_per_connection_pool():
    """redis-py builds its response callbacks in each client (perf): one per pool, reused by every call."""
    from liaison.cache import ResilientRedisCache

    backend = ResilientRedisCache("redis://127.0.0.1:6379/15", {})._cache
    assert backend.get_client() is backend.get_client(write=True)
