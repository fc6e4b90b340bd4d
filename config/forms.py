"""How every form on the site is drawn: USWDS markup, errors tied to their fields.

Set as FORM_RENDERER, so `{{ form }}` in any template gives labelled, USWDS-styled fields with
their hint and error text linked through aria-describedby, and a summary of what to fix on top.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from django import forms
from django.conf import settings
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest
from django.template import Context, TemplateDoesNotExist
from django.template.base import render_value_in_context
from django.template.defaultfilters import stringformat
from django.utils.safestring import SafeData, mark_safe

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "usa-checkbox__input"),
    (forms.RadioSelect, "usa-radio__input"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.Select, "usa-select"),
    (forms.Textarea, "usa-textarea"),
    (forms.ClearableFileInput, "usa-file-input"),
    (forms.FileInput, "usa-file-input"),
    (forms.widgets.Input, "usa-input"),
]


def widget_class(widget: forms.Widget) -> str:
    for widget_type, css_class in _WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return css_class
    return ""


class USWDSBoundField(BoundField):
    """Adds the USWDS class for the widget, and its error variant when the value was refused."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: forms.Widget | None = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = [widget_class(widget)]
        if self.errors and css[0] in {"usa-input", "usa-select", "usa-textarea"}:
            css.append(f"{css[0]}--error")
        existing = cast(str, attrs.get("class", widget.attrs.get("class", "")))  # a class attribute is text
        attrs["class"] = " ".join(c for c in [existing, *css] if c)
        return attrs


# --- Django's plain widgets, drawn without the template engine ----------------------------------
# Through the template engine, each <input>, <select> and <textarea> costs a template lookup and an
# include for its attributes, and a <select> one more per <option>: the widgets of the item page's
# three small forms took about a sixth of its time. These functions write the same markup as
# Django's own templates, byte for byte (tests/config/test_form_rendering.py holds them to it), and
# are used only while those templates are Django's: a project template that overrides one (as
# templates/django/forms/widgets/ does for radios and checkboxes) is rendered as usual.

_STOCK_TEMPLATES = Path(forms.__file__).parent / "templates"
_WIDGETS = "django/forms/widgets/"
_ATTRS = f"{_WIDGETS}attrs.html"
_INPUT = f"{_WIDGETS}input.html"
_OPTION = f"{_WIDGETS}select_option.html"
# What `{{ value }}` sees in a widget template: autoescape on, default localisation and time zone.
_TEMPLATE_CONTEXT = Context(autoescape=True, use_l10n=None, use_tz=None)


class _NotDrawable(Exception):
    """A value the template engine would treat specially (it calls callables): use the template."""


def _value(value: Any) -> str:
    """`{{ value }}`."""
    if callable(value):
        raise _NotDrawable
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _formatted(value: Any) -> str:
    """`{{ value|stringformat:'s' }}` (the filter keeps a safe string safe)."""
    if callable(value):
        raise _NotDrawable
    text = stringformat(value, "s")
    safe = mark_safe(text) if isinstance(value, SafeData) else text  # noqa: S308 - safe only if it was already
    return render_value_in_context(safe, _TEMPLATE_CONTEXT)


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html: `True` writes a bare attribute, `False` none at all."""
    if "items" in attrs:  # the template would read attrs["items"], not attrs.items()
        raise _NotDrawable
    html = []
    for name, value in attrs.items():
        if value is True:
            html.append(f" {_value(name)}")
        elif value is not False:
            html.append(f' {_value(name)}="{_formatted(value)}"')
    return "".join(html)


def _draw_input(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/input.html (text.html, number.html and the others only include it)."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _draw_textarea(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/textarea.html."""
    text = _value(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'


def _draw_select(widget: Mapping[str, Any]) -> str:
    """django/forms/widgets/select.html, with select_option.html for each option."""
    html = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            html.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in options:
            if option["template_name"] != _OPTION:
                raise _NotDrawable
            html.append(
                f'\n  <option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_value(option['label'])}</option>\n"
            )
        if group_name:
            html.append("\n  </optgroup>")
    html.append("\n</select>")
    return "".join(html)


_INPUT_TYPES = ("text", "number", "email", "url", "password", "hidden", "date", "search", "tel", "file", "checkbox")
# Template name -> (how to draw it, every template its markup comes from).
_DRAWN: dict[str, tuple[Callable[[Mapping[str, Any]], str], tuple[str, ...]]] = {
    _INPUT: (_draw_input, (_INPUT, _ATTRS)),
    **{f"{_WIDGETS}{kind}.html": (_draw_input, (f"{_WIDGETS}{kind}.html", _INPUT, _ATTRS)) for kind in _INPUT_TYPES},
    f"{_WIDGETS}textarea.html": (_draw_textarea, (f"{_WIDGETS}textarea.html", _ATTRS)),
    f"{_WIDGETS}select.html": (_draw_select, (f"{_WIDGETS}select.html", _OPTION, _ATTRS)),
}


class USWDSRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = USWDSBoundField

    def __init__(self) -> None:
        self._stock: dict[str, bool] = {}

    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        drawn = _DRAWN.get(template_name)
        if drawn is not None and request is None and "widget" in context and self._is_stock(template_name, drawn[1]):
            try:
                return drawn[0](context["widget"])
            except _NotDrawable:
                pass
        return super().render(template_name, context, request)

    def _is_stock(self, template_name: str, sources: tuple[str, ...]) -> bool:
        """Whether every template this widget's markup comes from is still Django's own. Asked once
        per process; in development every time, so a new override shows without a restart."""
        stock = self._stock.get(template_name)
        if stock is None or settings.DEBUG:
            stock = all(self._origin(name) == _STOCK_TEMPLATES / name for name in sources)
            self._stock[template_name] = stock
        return stock

    def _origin(self, template_name: str) -> Path:
        template = self.get_template(template_name)
        if template is None:  # never: it raises this itself, though django-stubs allows None
            raise TemplateDoesNotExist(template_name)
        return Path(template.origin.name)


class DateInput(forms.DateInput):
    """The browser's date picker; the value must be ISO (YYYY-MM-DD) for it to show."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")
