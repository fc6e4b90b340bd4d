"""The forms of invitations: inviting someone (people page) and accepting (the link's page)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils import timezone

from config.forms import DateInput
from config.zones import zone_choices
from directory.forms import STRENGTH_HINT
from directory.invitations import role_taken_message
from directory.models import Invitation, Jurisdiction, Membership, User, role_label


class InviteForm(forms.Form):
    """Who to invite, to which role, from when: the roles offered are those the viewer may grant."""

    email = forms.EmailField(
        label="Email address", widget=forms.EmailInput(attrs={"autocomplete": "off"}), max_length=254
    )
    role = forms.ChoiceField(label="Role")
    starts_on = forms.DateField(
        label="Role starts on", widget=DateInput(), help_text="The invitation can be accepted before then."
    )

    def __init__(self, *args: Any, jurisdiction: Jurisdiction, roles: list[str], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"starts_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        cast(forms.ChoiceField, self.fields["role"]).choices = [(role, role_label(role)) for role in roles]

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).strip().lower()

    def clean_starts_on(self) -> Any:
        day = self.cleaned_data["starts_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("Choose today or a later day.")
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        email, role = data.get("email"), data.get("role")
        if not email or not role:
            return data
        taken = role_taken_message(self.jurisdiction, role)
        if taken:
            self.add_error("role", taken)
        elif Invitation.objects.pending().filter(email=email, jurisdiction=self.jurisdiction, role=role).exists():
            self.add_error("email", "This address already has an invitation to that role here: resend it instead.")
        elif Membership.objects.filter(
            user__email__iexact=email, jurisdiction=self.jurisdiction, role=role, ended_on__isnull=True
        ).exists():
            self.add_error("email", "This person already holds that role here.")
        return data


def person_zones() -> list[tuple[str, str]]:
    """The zones a person picks from: those of the 56 jurisdictions and the site's default."""
    return zone_choices(set(Jurisdiction.objects.values_list("tz", flat=True)) | {settings.DEFAULT_USER_TZ})


class AcceptForm(forms.Form):
    """A new account: name, time zone and a password (twice, held to Django's validators)."""

    full_name = forms.CharField(
        label="Full name", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True})
    )
    tz = forms.ChoiceField(label="Time zone", help_text="Times on pages and in emails are shown in this zone.")
    password1 = forms.CharField(
        label="Password",
        strip=False,
        help_text=STRENGTH_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, invitation: Invitation, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"tz": invitation.jurisdiction.tz})
        super().__init__(*args, **kwargs)
        self.invitation = invitation
        cast(forms.ChoiceField, self.fields["tz"]).choices = person_zones()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ. Type the same password twice.")
        elif first:
            someone = User(email=self.invitation.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, user=someone)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
