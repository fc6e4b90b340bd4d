"""Demo roundtables and outcomes for the quick start and the benchmarks (`seed_demo`).

Every person and event here is invented, except the seeded history (roundtables/reference.py).
Idempotent: the second run creates nothing. One function per area, called in order by `seed`.
"""

from __future__ import annotations

DEMO_EVENT_SLUG = "fall-2027-cio-and-cpo-roundtable-demo-2027"
DEMO_EVENT_TZ = "America/Denver"
DEMO_EVENT_DESCRIPTION = (
    "**This is a demo event**, invented for trying Joint Plan: NASPO and NASCIO have announced no such "
    "roundtable.\n\n"
    "A day for state CIOs and CPOs to compare how their action plans are going, one session per "
    "dimension of the 2016 joint action plan, and to agree what to try next."
)
# (title, start, end, dimension slug): one session per dimension, on the event's clocks.
DEMO_SESSIONS = [
    ("Who decides: governance across the two offices", (9, 0), (10, 15), "governance"),
    ("Naming the team: roles on both sides of a procurement", (10, 30), (11, 45), "teaming"),
    ("From idea to award: interactions and processes", (13, 0), (14, 15), "interactions"),
    ("Seeing demand coming: budgeting and forecasting", (14, 30), (15, 45), "budgeting"),
]


def seed_events(*, scale: str) -> int:
    """An upcoming roundtable with invitations and registrations (the events area). Returns rows created.

    Built through the services, as staff and a CIO would click it: a 2027 roundtable hosted by both
    associations, one agenda session per dimension, Idaho, Maine and North Carolina invited (their
    CIOs and CPOs get the invitation email), Idaho's CIO office registered. Keyed on its slug."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.core.exceptions import ValidationError
    from django.db import transaction

    from directory.models import Association, Jurisdiction, User
    from library.models import Dimension
    from roundtables.models import Roundtable
    from roundtables.services import events

    if Roundtable.objects.filter(slug=DEMO_EVENT_SLUG).exists():
        return 0
    staff = User.objects.filter(email="staff@naspo.example").first()
    cio = User.objects.filter(email="cio@id.example").first()
    if staff is None or cio is None:
        return 0
    zone = ZoneInfo(DEMO_EVENT_TZ)
    day = datetime.date(2027, 9, 21)

    def at(hour: int, minute: int) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=zone)

    dimensions = {d.slug: d for d in Dimension.objects.all()}
    with transaction.atomic():
        roundtable = events.create_roundtable(
            by=staff,
            kind=Roundtable.Kind.ROUNDTABLE,
            title="Fall 2027 CIO and CPO roundtable (demo)",
            starts_at=at(8, 30),
            ends_at=at(16, 30),
            tz=DEMO_EVENT_TZ,
            place="Denver, Colorado (demo venue)",
            video_url="",
            hosts=Association.objects.filter(code__in=["NASPO", "NASCIO"]),
            description=DEMO_EVENT_DESCRIPTION,
        )
        Roundtable.objects.filter(pk=roundtable.pk).update(slug=DEMO_EVENT_SLUG)  # the seed's key, whatever the title
        for title, starts, ends, dimension in DEMO_SESSIONS:
            events.add_session(
                roundtable,
                by=staff,
                title=title,
                starts_at=at(*starts),
                ends_at=at(*ends),
                dimensions=[dimensions[dimension]] if dimension in dimensions else [],
            )
        invited = events.invite(
            roundtable, jurisdictions=Jurisdiction.objects.filter(code__in=["ID", "ME", "NC"]), by=staff
        )
        idaho = Jurisdiction.objects.get(code="ID")
        try:
            events.register(roundtable, jurisdiction=idaho, side="cio", by=cio, attendee=cio)
        except ValidationError:  # the demo date has passed: registration is closed, the rest stands
            pass
    return 1 + len(DEMO_SESSIONS) + 2 * len(invited)


# --- outcomes ------------------------------------------------------------------------------------
# A past demo workshop (the events area's demo event is still to come), six weeks before the first
# seeding, so its follow-ups fall due while someone tries the demo. Every outcome and reason below
# is invented for the demo and says so; neither is a NASPO or NASCIO position.
DEMO_PAST_EVENT_SLUG = "cio-and-cpo-workshop-demo"
DEMO_PAST_EVENT_TZ = "America/Chicago"
DEMO_PAST_EVENT_DAYS_AGO = 42
DEMO_PAST_EVENT_DESCRIPTION = (
    "**This is a demo event**, invented for trying Joint Plan: NASPO and NASCIO held no such workshop.\n\n"
    "A one-day workshop where the CIO and CPO offices of three states compared notes; its outcomes "
    "show how an event's agreements become items in the states' plans."
)
# (title, dimension slug, text, related recommendation as (publication slug, number) or None)
DEMO_OUTCOMES = [
    (
        "Name a procurement contact in each office",
        "teaming",
        "Each state names one person in the CIO's office and one in the CPO's office who answer "
        "for technology purchases, and publishes the pair to agencies.\n\n"
        "*Demo outcome, invented for trying Joint Plan.*",
        ("it-procurement-negotiations-2017", "R3"),
    ),
    (
        "Review the technology pipeline together every month",
        "budgeting",
        "The two offices meet monthly to walk through technology purchases expected in the next "
        "four quarters, so that budget requests and solicitations line up.\n\n"
        "*Demo outcome, invented for trying Joint Plan.*",
        None,
    ),
]
DEMO_DECLINE_REASON = (
    "Demo reason, invented: Maine's offices already review the pipeline together each month under an existing policy."
)


def seed_outcomes(*, scale: str) -> int:
    """Outcomes of a past event proposed to the states that attended, some accepted (the outcomes area).

    Through the services, as staff and the states would click it: a past demo workshop that Idaho,
    Maine and North Carolina were invited to and Idaho and Maine attended; two outcomes proposed to
    both; Idaho accepts the first (an item in its plan, with its provenance) and Maine declines the
    second with a reason. Each step is keyed on what it leaves behind, so a second run creates nothing.
    Returns rows created."""
    import datetime
    from zoneinfo import ZoneInfo

    from django.db import transaction
    from django.utils import timezone

    from directory.models import Association, Jurisdiction, User
    from library.models import Dimension, Recommendation
    from roundtables.models import OutcomeProposal, Roundtable
    from roundtables.services import events
    from roundtables.services import outcomes as outcome_services

    staff = User.objects.filter(email="staff@naspo.example").first()
    idaho_cio = User.objects.filter(email="cio@id.example").first()
    maine_cpo = User.objects.filter(email="cpo@me.example").first()
    dimensions = {d.slug: d for d in Dimension.objects.all()}
    if staff is None or idaho_cio is None or maine_cpo is None or not dimensions:
        return 0
    created = 0
    with transaction.atomic():
        roundtable = Roundtable.objects.filter(slug=DEMO_PAST_EVENT_SLUG).first()
        if roundtable is None:
            zone = ZoneInfo(DEMO_PAST_EVENT_TZ)
            day = timezone.now().astimezone(zone).date() - datetime.timedelta(days=DEMO_PAST_EVENT_DAYS_AGO)
            roundtable = events.create_roundtable(
                by=staff,
                kind=Roundtable.Kind.WORKSHOP,
                title="CIO and CPO workshop (demo)",
                starts_at=datetime.datetime.combine(day, datetime.time(9), tzinfo=zone),
                ends_at=datetime.datetime.combine(day, datetime.time(16), tzinfo=zone),
                tz=DEMO_PAST_EVENT_TZ,
                place="St. Louis, Missouri (demo venue)",
                video_url="",
                hosts=Association.objects.filter(code__in=["NASPO", "NASCIO"]),
                description=DEMO_PAST_EVENT_DESCRIPTION,
            )
            Roundtable.objects.filter(pk=roundtable.pk).update(slug=DEMO_PAST_EVENT_SLUG)
            places = {j.code: j for j in Jurisdiction.objects.filter(code__in=["ID", "ME", "NC"])}
            invited = events.invite(roundtable, jurisdictions=places.values(), by=staff)  # past: no email
            marks = {(places["ID"].pk, "cio"): "attended", (places["ID"].pk, "cpo"): "attended"}
            marks |= {(places["ME"].pk, "cio"): "attended", (places["ME"].pk, "cpo"): "absent"}
            marks |= {(places["NC"].pk, "cio"): "absent", (places["NC"].pk, "cpo"): "absent"}
            events.record_attendance(roundtable, marks=marks, by=staff)
            created += 1 + 2 * len(invited)
        recorded = {o.title: o for o in roundtable.outcomes.all()}
        for title, dimension, text, source in DEMO_OUTCOMES:
            if title in recorded:
                continue
            recommendation = (
                Recommendation.objects.filter(publication__slug=source[0], number=source[1]).first() if source else None
            )
            recorded[title] = outcome_services.record_outcome(
                roundtable,
                by=staff,
                title=title,
                text=text,
                dimension=dimensions.get(dimension) or next(iter(dimensions.values())),
                recommendation=recommendation,
            )
            created += 1
        for title, *_ in DEMO_OUTCOMES:
            created += len(outcome_services.propose_outcome(recorded[title], by=staff))
        accept = OutcomeProposal.objects.filter(
            outcome=recorded[DEMO_OUTCOMES[0][0]], jurisdiction__code="ID", status=OutcomeProposal.Status.PROPOSED
        ).first()
        if accept is not None and outcome_services.current_plan(accept.jurisdiction, timezone.localdate()):
            outcome_services.accept_proposal(accept, by=idaho_cio)
            created += 1
        decline = OutcomeProposal.objects.filter(
            outcome=recorded[DEMO_OUTCOMES[1][0]], jurisdiction__code="ME", status=OutcomeProposal.Status.PROPOSED
        ).first()
        if decline is not None:
            outcome_services.decline_proposal(decline, by=maine_cpo, reason=DEMO_DECLINE_REASON)
    return created


def seed(*, scale: str) -> int:
    """All of the above, in order; returns how many rows were created."""
    return seed_events(scale=scale) + seed_outcomes(scale=scale)
