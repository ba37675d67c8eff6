from __future__ import annotations

from collections import OrderedDict

from django import template

from liaison.audit import action_label as _action_label

register = template.Library()


@register.filter
def action_label(action: str | None) -> str:
    """A dotted audit action as the office calls it: "mailbox.letter.registered" → 登记来信."""
    return _action_label(action)


@register.filter
def attr(obj, name: str):
    """`row|attr:"activities"`: a column of a table whose columns are data."""
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, "")


# The role's menu is the same markup for every account that shares what it depends on, and
# rendering it (forty-odd {% url %}s) cost more than the rest of a plain page (perf, issue 11).
# So each process renders it once per key and keeps the text. The key is everything
# templates/_main_menu.html reads from the account, plus the year it prints and the URL prefix.
_menus: dict[tuple, str] = {}


def main_menu_key(user) -> tuple:
    from django.urls import get_script_prefix
    from django.utils import timezone

    return (user.role, user.is_superuser, user.is_staff, user.is_active, user.can_write,
            timezone.localdate().year, get_script_prefix())


@register.simple_tag(takes_context=True)
def main_menu(context) -> str:
    from django.template.loader import render_to_string

    user = context["user"]
    key = main_menu_key(user)
    menu = _menus.get(key)
    if menu is None:
        menu = _menus[key] = render_to_string("_main_menu.html", {"user": user})
    return menu


@register.simple_tag
def group_rows(groups, show_left=False) -> str:
    """The rows of liaison/_group_table.html: groups (model rows with their counts annotated, or the
    dicts of the stored district figures) as a clerk reads them. Written here, once, rather than as a
    loop in the template: the district home lists a hundred groups (perf, issue 11)."""
    from django.utils.safestring import mark_safe

    from liaison.cells import text

    rows = []
    for group in groups:
        if isinstance(group, dict):
            url, name, sub_district = group["get_absolute_url"], group["name"], group["sub_district"]["name"]
            serving, left, constituencies = group["serving_count"], group.get("left_count"), group["constituency_count"]
        else:
            url, name, sub_district = group.get_absolute_url(), group.name, group.sub_district.name
            serving, constituencies = group.serving_count, group.constituency_count
            left = getattr(group, "left_count", "") if show_left else ""
        left_cell = f'<td class="text-end">{text(left)}</td>' if show_left else ""
        rows.append(
            f'\n<tr><td><a href="{text(url)}">{text(name)}</a></td><td>{text(sub_district)}</td>\n'
            f'<td class="text-end">{text(serving)}</td>{left_cell}<td class="text-end">{text(constituencies)}</td></tr>\n'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped by text()


# A form field's crispy markup is a function of the field's definition, its choices and its value;
# rendering it (crispy's nested templates) took about 0.4 ms a field. So each process keeps the
# markup of the last few hundred (field, choices, value) it rendered. A field with errors, or with
# choices from a queryset, is rendered every time.
_fields: OrderedDict[tuple, str] = OrderedDict()
KEPT_FIELDS = 512


@register.filter
def as_kept_crispy_field(field) -> str:
    """`{{ form.term|as_kept_crispy_field }}`: exactly `{{ form.term|as_crispy_field }}`, rendered once per key."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
    from django.forms import ModelChoiceField

    definition = field.field
    if field.errors or isinstance(definition, ModelChoiceField):
        return as_crispy_field(field)
    form, widget = field.form, definition.widget
    key = (
        type(form), form.prefix, form.auto_id, field.name, str(field.label), str(field.help_text),
        definition.required, definition.disabled, type(widget), repr(sorted(widget.attrs.items())),
        repr(getattr(definition, "choices", None)), repr(field.value()),
    )
    markup = _fields.get(key)
    if markup is None:
        markup = _fields[key] = as_crispy_field(field)
        if len(_fields) > KEPT_FIELDS:
            _fields.popitem(last=False)
    return markup


@register.simple_tag(takes_context=True)
def page_query(context, page, direction: str, param: str = "") -> str:
    """The query string of a list's "上一页"/"下一页" link: the other parameters as they came, and the
    page number in `param` ("page" unless a page has two lists), or the page's own link (CappedPage:
    the sort key it seeks from, liaison.pagination)."""
    own = getattr(page, f"{direction}_query", None)
    if own is not None:
        return own
    from django.utils.http import urlencode

    param = param or "page"
    params = context["request"].GET
    number = page.next_page_number() if direction == "next" else page.previous_page_number()
    return urlencode([*((key, value) for key, values in params.lists() if key != param for value in values),
                      (param, number)])


@register.simple_tag
def filter_fields(form) -> str:
    """A list's filter fields, each in its column with its label and errors (liaison.forms.filter_fields)."""
    from liaison.forms import filter_fields as fields_html

    return fields_html(form)
