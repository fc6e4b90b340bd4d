"""Forms for email preferences and the staff delivery log."""

from __future__ import annotations

from django import forms

from notifications.models import Preference
from outbox.models import OutgoingEmail

HOURS = [(h, f"{(h % 12) or 12}:00 {'a.m.' if h < 12 else 'p.m.'}") for h in range(24)]


class PreferenceForm(forms.ModelForm):
    digest_hour = forms.TypedChoiceField(choices=HOURS, coerce=int, label="At", help_text="In your time zone.")

    class Meta:
        model = Preference
        fields = [
            "digest",
            "digest_weekday",
            "digest_hour",
            "digest_when_quiet",
            "reminders_due",
            "reminders_overdue",
            "reminders_stale",
            "reminders_sign_off",
            "reminders_mention",
        ]
        labels = {"digest_weekday": "Day"}


class DeliveryFilterForm(forms.Form):
    """The filters above the delivery log (a GET form)."""

    kind = forms.ChoiceField(choices=[("", "Any kind"), *OutgoingEmail.Kind.choices], required=False)
    status = forms.ChoiceField(choices=[("", "Any status"), *OutgoingEmail.Status.choices], required=False)
    recipient = forms.CharField(required=False, label="Recipient email contains")
    jurisdiction = forms.CharField(required=False, max_length=2, label="Jurisdiction (USPS code)")
