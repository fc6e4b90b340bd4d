"""One name per role on every page: "Chief Procurement Officer", "Delegate of the CIO" (Membership.Role),
never a person's own job title in a role's place (the demo's CPO calls himself "State Purchasing
Administrator", its CIO delegate "Deputy CIO")."""

from __future__ import annotations

from typing import cast

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from directory.models import Jurisdiction, Membership, User, name_and_role, role_label, with_role_in
from roundtables.forms import RegisterForm
from tests import factories

Role = Membership.Role


@pytest.fixture
def idaho(db: None) -> dict[str, User]:
    """Idaho's CIO, CPO and CIO delegate with the job titles the demo gives them, and a plan."""
    factories.load_reference()
    people = factories.idaho_people("cio", "cpo", "cio_delegate")
    titles = {"cio": "Chief Information Officer", "cpo": "State Purchasing Administrator", "cio_delegate": "Deputy CIO"}
    for role, title in titles.items():
        User.objects.filter(pk=people[role].pk).update(title=title)
        people[role].refresh_from_db()
    factories.adopt_plan(people["cio"])
    return people


def test_each_role_has_one_name() -> None:
    assert [role_label(role) for role in Role.values] == [
        "Chief Information Officer",
        "Chief Procurement Officer",
        "Delegate of the CIO",
        "Delegate of the CPO",
        "Viewer",
    ]


def test_a_person_is_named_with_the_role_they_hold_there_not_their_job_title(idaho: dict[str, User]) -> None:
    place = Jurisdiction.objects.get(code="ID")
    people = with_role_in(User.objects.order_by("full_name"), jurisdiction_id=place.pk, roles=list(Role.values))
    assert [name_and_role(person) for person in people] == [
        "Dana Whitfield, Chief Information Officer",
        "Marcus Oyelaran, Chief Procurement Officer",
        "Priya Raman, Delegate of the CIO",
    ]
    outsider = with_role_in(User.objects.filter(pk=idaho["cpo"].pk), jurisdiction_id=place.pk, roles=["cio"]).get()
    assert name_and_role(outsider) == "Marcus Oyelaran"  # holds none of the roles asked about


def test_home_names_roles_by_their_one_name_and_a_job_title_as_a_job_title(
    client: Client, idaho: dict[str, User]
) -> None:
    client.force_login(idaho["cio"])
    html = client.get("/").content.decode()
    assert "Your role in Idaho: <strong>Chief Information Officer</strong>" in html
    assert '<p data-testid="role">Chief Procurement Officer</p>' in html
    assert "Job title: State Purchasing Administrator" in html
    assert "Priya Raman, Delegate of the CIO" in html
    assert "Idaho · Chief Information Officer" in html  # the header, on every page
    assert "Deputy CIO" not in html


def test_the_item_form_lists_owners_by_role(client: Client, idaho: dict[str, User]) -> None:
    client.force_login(idaho["cio"])
    plan = idaho["cio"].memberships.get().jurisdiction.plans.get()
    html = client.get(reverse("actionplan:item_create", args=[plan.pk])).content.decode()
    assert f'<option value="{idaho["cpo"].pk}" selected>Marcus Oyelaran, Chief Procurement Officer</option>' in html
    assert f'<option value="{idaho["cio_delegate"].pk}">Priya Raman, Delegate of the CIO</option>' in html
    assert "State Purchasing Administrator" not in html
    assert "Deputy CIO" not in html


def test_the_attendee_choice_names_each_person_by_role(idaho: dict[str, User]) -> None:
    place = Jurisdiction.objects.get(code="ID")
    members = [idaho["cio"], idaho["cio_delegate"]]
    form = RegisterForm(jurisdiction=place, side="cio", members=members, user=idaho["cio"])
    attendee = cast("forms.ModelChoiceField[User]", form.fields["attendee"])
    labels = [attendee.label_from_instance(person) for person in attendee.queryset or []]
    assert labels == ["Dana Whitfield, Chief Information Officer", "Priya Raman, Delegate of the CIO"]
