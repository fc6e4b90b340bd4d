"""Forms for email preferences, the staff delivery log and confirming a one-click status link."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

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


STATUS_LINK_SENTENCE_MAX = 500


class StatusLinkForm(forms.Form):
    """Confirming a one-click status link: an optional sentence, and the side the update is for
    when the person acts for both offices of a joint item (as the item page's form asks them)."""

    side = forms.ChoiceField(choices=(), widget=forms.RadioSelect, label="Reporting for")
    sentence = forms.CharField(
        max_length=STATUS_LINK_SENTENCE_MAX,
        required=False,
        label="In a sentence, what happened (optional)",
        help_text="Shown with the update on the item's page.",
        error_messages={"max_length": "Keep it to %(limit_value)d characters (it has %(show_value)d)."},
    )

    def __init__(self, *args: Any, side_choices: Sequence[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(side_choices) > 1:
            cast(forms.ChoiceField, self.fields["side"]).choices = list(side_choices)
            self.initial.setdefault("side", side_choices[0][0])
        else:
            # One office only: which side goes without saying.
            del self.fields["side"]
            self.only_side = side_choices[0][0] if side_choices else ""

    def chosen_side(self) -> str:
        """The side the update is for (after is_valid())."""
        return self.cleaned_data["side"] if "side" in self.fields else self.only_side
