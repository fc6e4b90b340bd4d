"""Forms of the roundtables pages, one section per area. They parse and check input; the services
decide and write."""

from __future__ import annotations

import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms

from actionplan.forms import SIDE_LABELS, OwnershipFields, side_members
from actionplan.models import ItemSide, Plan
from config.forms import DateInput
from config.zones import zone_choices, zone_label
from directory import permissions, sides
from directory.models import Association, Jurisdiction, User, name_and_role, with_role_in
from library.models import Dimension, Recommendation
from roundtables.models import Attendance, Roundtable

# --- events: roundtables, agenda sessions, invitations, registration, attendance ---------------


class TimeInput(forms.TimeInput):
    """The browser's time picker (24-hour HH:MM values; browsers show them in the reader's style)."""

    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%H:%M")


def event_zones(current: str | None = None) -> list[tuple[str, str]]:
    """The zones events happen in: those of the 56 jurisdictions (and the one already chosen)."""
    zones = set(Jurisdiction.objects.values_list("tz", flat=True)) | {"America/New_York"}
    if current:
        zones.add(current)
    return zone_choices(zones)


def local_moment(day: datetime.date, time: datetime.time, tz: str) -> datetime.datetime | None:
    """`day` at `time` on the clocks of `tz`, as an aware datetime; None when that time does not
    exist there (the hour skipped when daylight saving time begins). In the hour that repeats when
    it ends, the first of the two is meant."""
    naive = datetime.datetime.combine(day, time)
    zone = ZoneInfo(tz)
    moment = naive.replace(tzinfo=zone)
    if moment.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return moment


def _skipped(day: datetime.date, time: datetime.time, tz: str) -> str:
    return (
        f"{time:%H:%M} does not exist on {day:%b} {day.day}, {day.year} in {zone_label(tz)}: "
        "the clocks skip that hour when daylight saving time begins. Choose another time."
    )


class RoundtableForm(forms.Form):
    """Create or edit an event. Dates and times are typed as the event's own clocks show them, in
    the zone chosen here; `clean` turns them into moments (`starts_at`, `ends_at`)."""

    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=Roundtable.Kind.choices, label="Kind of event")
    tz = forms.ChoiceField(
        choices=(),
        label="Time zone",
        help_text="The event's own time zone: the dates and times below are on its clocks.",
    )
    starts_on = forms.DateField(widget=DateInput(), label="Start date")
    starts_time = forms.TimeField(widget=TimeInput(), label="Start time", help_text="For example 09:00.")
    ends_on = forms.DateField(widget=DateInput(), label="End date")
    ends_time = forms.TimeField(widget=TimeInput(), label="End time", help_text="For example 16:30.")
    place = forms.CharField(
        max_length=200, required=False, help_text="City and venue, if it meets in person, e.g. Charlotte, NC."
    )
    video_url = forms.URLField(
        required=False, label="Video link", help_text="If people join online: the meeting link, starting https://."
    )
    hosts = forms.ModelMultipleChoiceField(
        queryset=Association.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label="Hosted by",
        error_messages={"required": "Choose the association or associations that host the event."},
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What the event is for and who should come. Markdown: **bold**, *italic*, lists and links.",
    )
    part_of = forms.ModelChoiceField(
        queryset=Roundtable.objects.none(),
        required=False,
        label="Part of",
        empty_label="Not part of another event",
        help_text="For a workshop held by a task force, say, choose the task force.",
    )

    def __init__(self, *args: Any, roundtable: Roundtable | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roundtable = roundtable
        cast(forms.ChoiceField, self.fields["tz"]).choices = event_zones(roundtable.tz if roundtable else None)
        others = Roundtable.objects.order_by("-starts_at")
        if roundtable is not None:
            others = others.exclude(pk=roundtable.pk)
        cast("forms.ModelChoiceField[Roundtable]", self.fields["part_of"]).queryset = others
        if not self.is_bound:
            self.initial = {**self._initial(roundtable), **self.initial}

    @staticmethod
    def _initial(roundtable: Roundtable | None) -> dict[str, Any]:
        if roundtable is None:
            return {"kind": Roundtable.Kind.ROUNDTABLE, "tz": "America/New_York"}
        zone = ZoneInfo(roundtable.tz)
        starts, ends = roundtable.starts_at.astimezone(zone), roundtable.ends_at.astimezone(zone)
        return {
            "title": roundtable.title,
            "kind": roundtable.kind,
            "tz": roundtable.tz,
            "starts_on": starts.date(),
            "starts_time": starts.time().replace(second=0, microsecond=0),
            "ends_on": ends.date(),
            "ends_time": ends.time().replace(second=0, microsecond=0),
            "place": roundtable.place,
            "video_url": roundtable.video_url,
            "hosts": list(roundtable.hosts.all()),
            "description": roundtable.description,
            "part_of": roundtable.part_of_id,
        }

    def clean_description(self) -> str:
        return self.cleaned_data["description"].replace("\r\n", "\n")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tz = cleaned.get("tz")
        if not tz:
            return cleaned
        for prefix in ("starts", "ends"):
            day, time = cleaned.get(f"{prefix}_on"), cleaned.get(f"{prefix}_time")
            if day is None or time is None:
                continue
            moment = local_moment(day, time, tz)
            if moment is None:
                self.add_error(f"{prefix}_time", _skipped(day, time, tz))
            cleaned[f"{prefix}_at"] = moment
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends_at and ends_at < starts_at:
            self.add_error(
                "ends_on",
                "The event cannot end before it starts: choose an end date and time on or after the start.",
            )
        return cleaned

    def event_fields(self) -> dict[str, Any]:
        """The cleaned values, named as the services take them."""
        data = self.cleaned_data
        names = ("kind", "title", "starts_at", "ends_at", "tz", "place", "video_url", "hosts", "description", "part_of")
        return {name: data[name] for name in names}

    # Where a service's complaint about a moment is shown.
    SERVICE_FIELDS = {"starts_at": "starts_on", "ends_at": "ends_on"}


class SessionForm(forms.Form):
    """One agenda session; its times, if any, are on the event's clocks."""

    title = forms.CharField(max_length=200)
    day = forms.DateField(
        widget=DateInput(), required=False, label="Date", help_text="Leave empty for the event's first day."
    )
    starts_time = forms.TimeField(widget=TimeInput(), required=False, label="Start time")
    ends_time = forms.TimeField(widget=TimeInput(), required=False, label="End time")
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Markdown: **bold**, *italic*, lists and links.",
    )
    dimensions = forms.ModelMultipleChoiceField(
        queryset=Dimension.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Dimensions it covers",
    )

    SERVICE_FIELDS = {"starts_at": "starts_time", "ends_at": "ends_time"}

    def __init__(self, *args: Any, roundtable: Roundtable, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.roundtable = roundtable
        self.fields["starts_time"].help_text = f"On the event's clocks ({zone_label(roundtable.tz)}). Optional."
        self.fields["ends_time"].help_text = "Optional."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        tz = self.roundtable.tz
        day = cleaned.get("day") or self.roundtable.starts_at.astimezone(ZoneInfo(tz)).date()
        for prefix in ("starts", "ends"):
            time = cleaned.get(f"{prefix}_time")
            moment = local_moment(day, time, tz) if time else None
            if time and moment is None:
                self.add_error(f"{prefix}_time", _skipped(day, time, tz))
            cleaned[f"{prefix}_at"] = moment
        if cleaned["starts_at"] and cleaned["ends_at"] and cleaned["ends_at"] < cleaned["starts_at"]:
            self.add_error("ends_time", "The session cannot end before it starts.")
        return cleaned

    def session_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("title", "starts_at", "ends_at", "description", "dimensions")}


class InviteForm(forms.Form):
    """Which jurisdictions to invite; those already invited are shown but not offered again."""

    jurisdictions = forms.ModelMultipleChoiceField(
        queryset=Jurisdiction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one jurisdiction to invite."},
    )

    def __init__(self, *args: Any, invited_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        jurisdictions = cast("forms.ModelMultipleChoiceField[Jurisdiction]", self.fields["jurisdictions"])
        jurisdictions.queryset = Jurisdiction.objects.exclude(pk__in=invited_ids)
        self.fields["jurisdictions"].error_messages["invalid_choice"] = (
            "%(value)s cannot be invited: it is not a jurisdiction, or it was invited already."
        )


class MemberField(forms.ModelChoiceField):
    """A person of the office, with their role there (the one role vocabulary, never their job
    title), which also tells namesakes apart."""

    def label_from_instance(self, obj: User) -> str:
        return name_and_role(obj)


class OfficeForm(forms.Form):
    """Which of the viewer's own offices a posted registration is for: the page's hidden
    `jurisdiction` and `side`, parsed like any input (a garbled or foreign value is simply not one
    of theirs, never an error page)."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.none())
    side = forms.ChoiceField(choices=Attendance.Side.choices)

    def __init__(self, *args: Any, jurisdictions: list[Jurisdiction], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Jurisdiction]", self.fields["jurisdiction"])
        field.queryset = Jurisdiction.objects.filter(pk__in=[j.pk for j in jurisdictions])


class RegisterForm(forms.Form):
    """One office's answer to an invitation: who comes, or that nobody does. Which office is
    given by the hidden `jurisdiction` and `side`, which the page sets and the service checks."""

    jurisdiction = forms.ModelChoiceField(queryset=Jurisdiction.objects.all(), widget=forms.HiddenInput())
    side = forms.ChoiceField(choices=Attendance.Side.choices, widget=forms.HiddenInput())
    attending = forms.TypedChoiceField(
        choices=[("yes", "Yes, someone from our office will attend"), ("no", "No, our office will not attend")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Will your office attend?",
        error_messages={"required": "Say whether your office will attend."},
    )
    attendee = MemberField(
        queryset=User.objects.none(),
        required=False,
        label="Who will attend",
        empty_label="Someone without an account (type their name below)",
    )
    attendee_name = forms.CharField(
        max_length=200,
        required=False,
        label="Name of the attendee without an account",
        help_text="Only when the person attending is not listed above.",
    )

    def __init__(
        self, *args: Any, jurisdiction: Jurisdiction, side: str, members: list[User], user: User, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.office = (jurisdiction, side)
        attendee = cast(MemberField, self.fields["attendee"])
        attendee.queryset = with_role_in(
            User.objects.filter(pk__in=[m.pk for m in members]).order_by("full_name", "email"),
            jurisdiction_id=jurisdiction.pk,
            roles=sides.SIDE_ROLES[side],
        )
        self.fields["attendee"].error_messages["invalid_choice"] = (
            f"Choose someone from the {side.upper()} office of {jurisdiction}, or type a name below."
        )
        if not self.is_bound:
            me = next((m for m in members if m.pk == user.pk), None)
            self.initial = {
                "jurisdiction": jurisdiction.pk,
                "side": side,
                "attending": "yes",
                "attendee": me.pk if me else None,
                **self.initial,
            }

    def register_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "jurisdiction": data["jurisdiction"],
            "side": data["side"],
            "attending": data["attending"],
            "attendee": data.get("attendee"),
            "attendee_name": data.get("attendee_name", ""),
        }


MARK_CHOICES = [(Attendance.Status.ATTENDED, "Attended"), (Attendance.Status.ABSENT, "Did not attend")]


class AttendanceForm(forms.Form):
    """The attendance sheet: one pair of radio buttons per invited office (`mark_<jurisdiction>_<side>`)."""

    def __init__(self, *args: Any, rows: list[Attendance], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            name = self.field_name(row)
            self.fields[name] = forms.ChoiceField(
                choices=MARK_CHOICES,
                required=False,
                widget=forms.RadioSelect,
                label=f"{row.jurisdiction.name}, {row.get_side_display()}",
                initial=row.status if row.status in dict(MARK_CHOICES) else None,
            )
            row.field = self[name]  # type: ignore[attr-defined]

    @staticmethod
    def field_name(row: Attendance) -> str:
        return f"mark_{row.jurisdiction_id}_{row.side}"

    def marks(self) -> dict[tuple[int, str], str]:
        return {
            (row.jurisdiction_id, row.side): self.cleaned_data[self.field_name(row)]
            for row in self.rows
            if self.cleaned_data.get(self.field_name(row))
        }


# --- outcomes: record an outcome, accept or decline a proposal ----------------------------------


class RecommendationField(forms.ModelChoiceField):
    """A recommendation, named by its words and its publication (Recommendation.label), so that
    R3 of 2017 is not R3 of 2025."""

    def label_from_instance(self, obj: Recommendation) -> str:
        return obj.label


class OutcomeForm(forms.Form):
    """What an event agreed, as staff write it down afterwards."""

    title = forms.CharField(
        max_length=200,
        help_text="Short: it becomes the item's title in the plan of each state that accepts it.",
        error_messages={"required": "Give the outcome a short title."},
    )
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="What was agreed",
        help_text="Markdown: **bold**, *italic*, lists and links.",
        error_messages={"required": "Say what the event agreed, in a sentence or two."},
    )
    dimension = forms.ModelChoiceField(queryset=Dimension.objects.all(), empty_label=None)
    recommendation = RecommendationField(
        queryset=Recommendation.objects.select_related("publication"),
        required=False,
        empty_label="None",
        label="Related recommendation (optional)",
        error_messages={"invalid_choice": "Choose a recommendation from the list, or None."},
    )

    def clean_text(self) -> str:
        return self.cleaned_data["text"].replace("\r\n", "\n")


class AcceptForm(OwnershipFields):
    """Accept a proposed outcome into one of the state's plans: who owns it and when it is due.

    `plans` are the state's plans (a choice appears only when there is more than one); `plan` is the
    one it goes into by default; `default_due_on` comes from the service's rule."""

    field_order = ["plan", "side", "cio_owner", "cpo_owner"]

    plan = forms.ModelChoiceField(queryset=Plan.objects.none(), empty_label=None, label="Plan")
    due_on = forms.DateField(
        widget=DateInput(),
        label="Due date",
        error_messages={
            "required": "Choose the date this item is due.",
            "invalid": "Enter a date, such as 2027-03-31.",
        },
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        plans: list[Plan],
        plan: Plan,
        default_due_on: datetime.date,
        default_owners: dict[str, User | None],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        plan_field = cast("forms.ModelChoiceField[Plan]", self.fields["plan"])
        plan_field.queryset = Plan.objects.filter(pk__in=[p.pk for p in plans]).order_by("-starts_on")
        self.fields["plan"].error_messages["invalid_choice"] = f"Choose one of {plan.jurisdiction.name}'s plans."
        if len(plans) < 2:
            del self.fields["plan"]
        allowed = permissions.sides_for(user, plan) | {ItemSide.JOINT.value}
        cast(forms.ChoiceField, self.fields["side"]).choices = [
            (side, SIDE_LABELS[side]) for side in ItemSide.values if side in allowed
        ]
        place = plan.jurisdiction.name
        for side in sides.OFFICES:
            field = cast("forms.ModelChoiceField[User]", self.fields[f"{side}_owner"])
            field.queryset = side_members(plan, side)
            field.error_messages["invalid_choice"] = (
                f"Choose {place}'s {side.upper()} or a delegate of the {side.upper()}, or leave it as Owner needed."
            )
        if not self.is_bound:
            owners = {side: owner.pk if owner else None for side, owner in default_owners.items()}
            self.initial = {
                "plan": plan.pk,
                "side": ItemSide.JOINT,
                "cio_owner": owners.get("cio"),
                "cpo_owner": owners.get("cpo"),
                "due_on": default_due_on,
                **self.initial,
            }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # An owner for a side that does not own the item means nothing; drop it rather than refuse.
        if cleaned.get("side") == ItemSide.CIO:
            cleaned["cpo_owner"] = None
        elif cleaned.get("side") == ItemSide.CPO:
            cleaned["cio_owner"] = None
        return cleaned

    def accept_fields(self) -> dict[str, Any]:
        """The cleaned values, named as accept_proposal takes them."""
        data = self.cleaned_data
        return {
            "plan": data.get("plan"),
            "side": data["side"],
            "owners": {"cio": data["cio_owner"], "cpo": data["cpo_owner"]},
            "due_on": data["due_on"],
        }


class DeclineForm(forms.Form):
    """Decline a proposed outcome, saying why: association staff read the reasons."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why your state declines it",
        help_text="For example: already done, not a priority this year, or needs legislation first.",
        error_messages={"required": "Say why your state declines this outcome: staff read the reasons."},
    )
