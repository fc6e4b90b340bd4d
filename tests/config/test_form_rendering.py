"""The site's form renderer draws Django's plain widgets in Python: the markup must be exactly what
Django's own widget templates give, and a project template that overrides one must still win."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.test import override_settings
from django.utils.safestring import mark_safe

from actionplan.forms import CommentForm, DateInput, EvidenceForm, UpdateForm
from actionplan.models import Item, ItemSide, Status
from config.forms import USWDSRenderer
from directory.models import User
from tests import factories


class TemplatesOnly(USWDSRenderer):
    """The same renderer with every widget drawn by its template: the reference markup."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        return super(USWDSRenderer, self).render(template_name, context, request)


HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"

WIDGETS: list[tuple[str, forms.Widget, Any]] = [
    ("text", forms.TextInput(attrs={"placeholder": HOSTILE, "maxlength": 200}), HOSTILE),
    ("text, empty", forms.TextInput(), None),
    ("text, safe attribute", forms.TextInput(attrs={"data-x": mark_safe("<b>&amp;</b>")}), "plain"),
    ("text, boolean attributes", forms.TextInput(attrs={"required": True, "disabled": False, "autofocus": True}), ""),
    ("number", forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1.5}), 48),
    ("email", forms.EmailInput(), "a@b.example"),
    ("url", forms.URLInput(), "https://example.org/?a=1&b=2"),
    ("password", forms.PasswordInput(render_value=False), "secret"),
    ("hidden", forms.HiddenInput(), 7),
    ("date", DateInput(), datetime.date(2027, 3, 31)),
    ("date, typed text", DateInput(), "31/03/2027 <b>"),
    ("search", forms.SearchInput(), "q"),
    ("tel", forms.TelInput(), "+1 555"),
    ("file", forms.FileInput(attrs={"accept": ".pdf,.docx"}), None),
    ("checkbox, checked", forms.CheckboxInput(), True),
    ("checkbox, unchecked", forms.CheckboxInput(), False),
    ("textarea", forms.Textarea(attrs={"rows": 4}), "line one\r\nline two <em>&</em>"),
    ("textarea, empty", forms.Textarea(), ""),
    ("select", forms.Select(choices=[("", "Any"), ("a", "A & B"), ("b", HOSTILE)]), "b"),
    ("select, integer values", forms.Select(choices=[(1, "One"), (2, 2)]), 2),
    ("select, nothing chosen", forms.Select(choices=[("a", "A")]), None),
    ("select, groups", forms.Select(choices=[("Group <1>", [("a", "A"), ("b", "B")]), ("c", "C")]), "c"),
    ("select, disabled option", forms.Select(choices=[("a", "A"), ("b", "B")], attrs={"disabled": True}), "a"),
    ("select multiple", forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
    ("null boolean", forms.NullBooleanSelect(), True),
    ("status choices", forms.Select(choices=Status.choices), Status.AT_RISK),
]


@pytest.mark.parametrize(("case", "widget", "value"), WIDGETS, ids=[case for case, _, _ in WIDGETS])
def test_a_drawn_widget_is_exactly_what_its_django_template_gives(case: str, widget: forms.Widget, value: Any) -> None:
    attrs = {"id": f"id_{case}", "class": "usa-input", "aria-describedby": "id_help"}

    drawn = widget.render("field", value, attrs, renderer=USWDSRenderer())

    assert drawn == widget.render("field", value, attrs, renderer=TemplatesOnly())


@pytest.mark.django_db
def test_a_model_choice_select_is_drawn_like_its_template() -> None:
    factories.make_user(full_name="Avery <Quinn>")
    factories.make_user(full_name="Blake Rivera")
    field = forms.ModelChoiceField(queryset=User.objects.order_by("full_name"), empty_label="Anyone")

    drawn = field.widget.render("owner", None, {"id": "id_owner"}, renderer=USWDSRenderer())

    assert drawn == field.widget.render("owner", None, {"id": "id_owner"}, renderer=TemplatesOnly())
    assert "Avery &lt;Quinn&gt;" in drawn


@pytest.mark.django_db
def test_the_item_page_forms_are_drawn_exactly_as_before_blank_and_with_errors() -> None:
    item = Item(side=ItemSide.JOINT, status=Status.AT_RISK, progress=40)
    members = [factories.make_user(full_name="Avery Quinn", email="avery.quinn@idaho.example")]
    bad_update = {"side": "cio", "status": "done", "progress": "140", "narrative": ""}
    for form_class, kwargs, data in [
        (UpdateForm, {"item": item, "sides": ["cio", "cpo"], "auto_id": "update_%s"}, bad_update),
        (CommentForm, {"members": members, "auto_id": "comment_%s"}, {"body": ""}),
        (EvidenceForm, {"auto_id": "evidence_%s"}, {}),
    ]:
        for bound in (None, data):
            drawn = str(form_class(bound, renderer=USWDSRenderer(), **kwargs))
            assert drawn == str(form_class(bound, renderer=TemplatesOnly(), **kwargs))


def test_radios_and_checkboxes_keep_the_sites_own_templates() -> None:
    choices = [("cio", "CIO side"), ("cpo", "CPO side")]

    radios = forms.RadioSelect(choices=choices).render("side", "cio", {"id": "side"}, renderer=USWDSRenderer())
    boxes = forms.CheckboxSelectMultiple(choices=choices).render("s", ["cpo"], {"id": "s"}, renderer=USWDSRenderer())

    assert '<div class="usa-radio"><input type="radio" name="side" value="cio"' in radios
    assert '<div class="usa-checkbox"><input type="checkbox" name="s" value="cpo"' in boxes


def test_a_project_template_that_overrides_a_django_widget_template_wins(settings: Any, tmp_path: Path) -> None:
    override = tmp_path / "django" / "forms" / "widgets" / "text.html"
    override.parent.mkdir(parents=True)
    override.write_text('<input class="overridden" name="{{ widget.name }}">')
    templates = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]

    with override_settings(TEMPLATES=templates):
        text = forms.TextInput().render("title", "x", renderer=USWDSRenderer())
        number = forms.NumberInput().render("n", 1, renderer=USWDSRenderer())

    assert text == '<input class="overridden" name="title">'
    assert number == '<input type="number" name="n" value="1">'
