"""How every form on the site is drawn: USWDS markup, errors tied to their fields.

Set as FORM_RENDERER, so `{{ form }}` in any template gives labelled, USWDS-styled fields with
their hint and error text linked through aria-describedby, and a summary of what to fix on top.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

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
        existing = attrs.get("class", widget.attrs.get("class", ""))
        attrs["class"] = " ".join(c for c in [existing, *css] if c)
        return attrs


class USWDSRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = USWDSBoundField
