from __future__ import annotations

from django.core.exceptions import ValidationError


def attach_errors(error: ValidationError, form) -> None:
    """Put a service's Chinese ValidationError on a form: next to the field when the
    form has it, on top otherwise, so the page shows it and keeps what was typed."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html, in Python."""
    from django.utils.html import conditional_escape

    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    )


def render_select(widget, name, value, attrs=None, renderer=None) -> str:
    """A <select> as Django's select.html and select_option.html render it, built in Python:
    a filter form's dozen selects cost a list page more through the template engine (one
    template per option) than its rows (perf, issue 11). The options are written straight
    from the choices (Select.optgroups builds a dict per option); same markup, tested."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    # Read once: a filter's choices may be computed on each reading (the year filter's, from the terms).
    choices = list(widget.choices)
    if widget.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _value, label in choices):
        return _render_select_groups(widget, name, value, attrs)
    chosen = set(widget.format_value(value))
    parts = [f'<select name="{conditional_escape(name)}"{_attrs_html(widget.build_attrs(widget.attrs, attrs))}>']
    has_selected = False
    for option_value, label in choices:
        option_value = "" if option_value is None else str(option_value)
        selected = not has_selected and option_value in chosen
        has_selected = has_selected or selected
        parts.append(f'<option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                     f"{conditional_escape(label)}</option>")
    parts.append("</select>")
    return mark_safe("".join(parts))


def _render_select_groups(widget, name, value, attrs=None) -> str:
    """render_select for a multiple select or one with <optgroup>s: from Django's own context."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    context = widget.get_context(name, value, attrs)["widget"]
    parts = [f'<select name="{conditional_escape(context["name"])}"{_attrs_html(context["attrs"])}>']
    for group_name, options, _index in context["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            parts.append(f'<option value="{conditional_escape(str(option["value"]))}"'
                         f'{_attrs_html(option["attrs"])}>{conditional_escape(option["label"])}</option>')
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return mark_safe("".join(parts))


def render_boolean(widget, name, value, attrs=None, renderer=None) -> str:
    """django-filter's BooleanWidget (是/否/全部) through render_select, its value read as it reads it."""
    try:
        value = {True: "true", False: "false", "1": "true", "0": "false"}[value]
    except (KeyError, TypeError):
        value = ""
    return render_select(widget, name, value, attrs)


def filter_fields(form) -> str:
    """The fields of a list's filter form as constituents/_filter_form.html lays them out: a hidden
    field as it is, any other in a column with its label and errors. Written once, here (perf)."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    parts = []
    for field in form:
        if field.is_hidden:
            parts.append(str(field))
            continue
        errors = "".join(f'<div class="invalid-feedback d-block">{conditional_escape(error)}</div>'
                         for error in field.errors)
        parts.append(f'<div class="col-6 col-sm-4 col-lg-2 mb-3"><label class="form-label" '
                     f'for="{conditional_escape(field.id_for_label)}">{conditional_escape(field.label)}</label>'
                     f"{field}{errors}</div>")
    return mark_safe("".join(parts))


# Django's input widgets whose template is input.html and nothing more.
PLAIN_INPUTS = frozenset(f"django/forms/widgets/{kind}.html" for kind in (
    "text", "number", "hidden", "date", "email", "search", "url"))


def render_input(widget, name, value, attrs=None, renderer=None) -> str:
    """An <input> as Django's input.html renders it, built in Python (as render_select, above)."""
    from django.utils.html import conditional_escape
    from django.utils.safestring import mark_safe

    context = widget.get_context(name, value, attrs)["widget"]
    shown = "" if context["value"] is None else f' value="{conditional_escape(str(context["value"]))}"'
    return mark_safe(f'<input type="{conditional_escape(context["type"])}" name="{conditional_escape(context["name"])}"'
                     f"{shown}{_attrs_html(context['attrs'])}>")
