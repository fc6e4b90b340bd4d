"""The GET forms of the state report (its period) and the meeting one-pager (the last meeting)."""

from __future__ import annotations

import datetime

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class PeriodForm(forms.Form):
    """The days a state report covers, both included, in the reader's time zone."""

    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
            self.add_error("end", "The period ends before it starts: choose an end on or after its start.")
        return data


class SinceForm(forms.Form):
    """The day of the CIO and CPO's last meeting: the one-pager tells what changed since."""

    since = forms.DateField(label="Our last meeting", widget=DateInput())

    def __init__(self, *args: object, today: datetime.date, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.today = today

    def clean_since(self) -> datetime.date:
        since: datetime.date = self.cleaned_data["since"]
        if since > self.today:
            raise forms.ValidationError("The last meeting is in the future: choose today or an earlier day.")
        return since
